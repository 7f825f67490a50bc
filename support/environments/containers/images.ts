import { debeziumConnectors, versions } from '../../components/versions';

/** An image the containers environment runs: pinned here, and replaceable through one environment variable. */
export interface PinnedImage {
  readonly pinned: string;
  readonly variable: string;
}

/**
 * Every image name and tag, in one place. The defaults are official images that hosts with a registry pull; a host
 * without one (this project's CI, through podman) builds local look-alikes and names them through the variables.
 */
export const images = {
  mysql: { pinned: 'mysql:9.7', variable: 'CDC_MYSQL_IMAGE' },
  mariadb: { pinned: 'mariadb:10.11', variable: 'CDC_MARIADB_IMAGE' },
  kafka: { pinned: `apache/kafka:${versions.kafka}`, variable: 'CDC_KAFKA_IMAGE' },
  /** The base of connect-image/: any image with a JRE on the PATH and Kafka's jars in /opt/kafka/libs. */
  connectBase: { pinned: `apache/kafka:${versions.kafka}`, variable: 'CDC_CONNECT_BASE_IMAGE' },
  /**
   * Kafka Connect with both Debezium binlog plugins, built from connect-image/. Setting the variable uses that image
   * as it is instead of building (one that honours the Debezium Connect image's variables, such as
   * quay.io/debezium/connect).
   */
  connect: {
    pinned: `cdc-harness/connect:${versions.kafka}-debezium-${debeziumConnectors.mysql.version}`,
    variable: 'CDC_CONNECT_IMAGE',
  },
  /** userdata and push-email, for k8s/ (the harness runs the services as local processes in every environment). */
  services: { pinned: 'cdc-harness/services:0.1.0', variable: 'CDC_SERVICES_IMAGE' },
} as const satisfies Record<string, PinnedImage>;

export type ImageName = keyof typeof images;

/** The image to run: the variable's value when set, the pinned one otherwise. */
export function imageFor(name: ImageName, env: NodeJS.ProcessEnv): string {
  const override = env[images[name].variable]?.trim();
  return override ? override : images[name].pinned;
}
