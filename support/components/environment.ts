import type { ComponentControl } from '../lib/supervisor';
import type { ComponentTiming } from '../lib/timings';
import type { DebeziumConnectorKind } from './versions';

export type { ComponentControl, ComponentTiming };

/** The parts of the infrastructure a fault can hit. */
export type InfrastructureComponent = 'database' | 'kafka' | 'connect';

/**
 * The contract every environment fulfils (native processes here; containers on hosts with Docker): start the
 * database, Kafka and Kafka Connect with the Debezium plugin, tell where they are, and stop them all. What runs on
 * top (the connector, the services, the mail sink) is the same for every environment: see stack/start-stack.ts.
 */
/** The database server an environment runs: MySQL (the design's, with Debezium's MySQL connector) or MariaDB. */
export type DatabaseFlavour = 'mysql' | 'mariadb';

export const databaseFlavours: readonly DatabaseFlavour[] = ['mysql', 'mariadb'];

export interface Environment {
  readonly name: string;
  start(plan: InfrastructurePlan): Promise<RunningInfrastructure>;
}

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

export interface DatabaseEndpoint {
  /** As seen from the host (the services and the tests). */
  readonly host: string;
  readonly port: number;
  readonly name: string;
  /** May change the schema of the database: runs userdata's migrations. */
  readonly migrator: Credentials;
  readonly userdata: Credentials;
  readonly debezium: Credentials;
  /** push-email's own database on the same server: its delivery log. */
  readonly pushEmail: { readonly name: string; readonly migrator: Credentials; readonly service: Credentials };
  /** The harness's operator, as a DBA: may change other users' passwords (a fault), reads and writes no data. */
  readonly operator: Credentials;
}

export interface InfrastructurePlan {
  /** Folder for data and logs of this run. */
  readonly runFolder: string;
  readonly ports: {
    readonly database: number;
    readonly kafka: number;
    readonly kafkaController: number;
    readonly connect: number;
  };
  readonly log: (line: string) => void;
  /** Called as each component is up, so that a failure later still stops what already started. */
  readonly onStarted: (name: string, stop: () => Promise<void>) => void;
}

export interface RunningInfrastructure {
  readonly database: DatabaseEndpoint;
  /** The server as it names itself, e.g. `MySQL 9.7.4-2` or `MariaDB 10.11.14-MariaDB-0+deb12u2`. */
  readonly server: string;
  /** Where the database is as seen from Kafka Connect (the same as `database` natively; a network alias in containers). */
  readonly databaseForConnect: { readonly host: string; readonly port: number };
  readonly kafka: { readonly brokers: readonly string[]; readonly bootstrapForConnect: string };
  /** Kafka Connect's REST API, and which Debezium connector its plugin path holds for this database. */
  readonly connect: { readonly url: string; readonly connector: DebeziumConnectorKind };
  readonly timings: readonly ComponentTiming[];
  /**
   * Faults, the same in every environment: each component can be killed and started again on its port with its
   * data, and frozen and thawed. Whatever a fault left down or frozen, the environment's stop still ends.
   */
  readonly components: Readonly<Record<InfrastructureComponent, ComponentControl>>;
  /**
   * Each Kafka broker on its own, node id 1 first (a fault that takes one broker of a cluster away); `components.kafka`
   * is all of them at once. One entry unless the environment runs a cluster.
   */
  readonly kafkaBrokers: readonly ComponentControl[];
}
