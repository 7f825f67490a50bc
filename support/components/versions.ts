/**
 * Every pinned version of the real stack, in one place. The native environment resolves these from Maven Central;
 * the containers environment and k8s/ name the same versions.
 */
export const versions = {
  kafka: '4.3.1',
  slf4j: '2.0.17',
  mavenDependencyPlugin: '3.8.1',
} as const;

export type DebeziumConnectorKind = 'mysql' | 'mariadb';

export interface DebeziumConnector {
  readonly artifactId: string;
  readonly version: string;
  readonly connectorClass: string;
  /** `database.ssl.mode` off: the two connectors spell it differently. */
  readonly sslModeDisabled: string;
  /** Connector properties only this connector needs. */
  readonly extraProperties: Readonly<Record<string, string>>;
}

/**
 * The Debezium binlog connectors: MariaDB's for MariaDB, MySQL's for MySQL 9.7 (in every environment, and in
 * k8s). The MariaDB connector's newest release that the Maven repository reachable here serves with all its
 * dependencies is 3.5.0.Final (3.6.x is not served); the MySQL connector is at 3.6.1.Final. Each connector's plugin
 * folder holds its own Debezium jars, so the two versions never meet on one classpath.
 */
export const debeziumConnectors: Record<DebeziumConnectorKind, DebeziumConnector> = {
  mariadb: {
    artifactId: 'debezium-connector-mariadb',
    version: '3.5.0.Final',
    connectorClass: 'io.debezium.connector.mariadb.MariaDbConnector',
    sslModeDisabled: 'disable',
    extraProperties: {},
  },
  mysql: {
    artifactId: 'debezium-connector-mysql',
    version: '3.6.1.Final',
    connectorClass: 'io.debezium.connector.mysql.MySqlConnector',
    sslModeDisabled: 'disabled',
    // MySQL 9.7 authenticates with caching_sha2_password: without TLS, a login that misses the server's cache needs
    // the server's RSA key (Connector/J property, passed through with the `driver.` prefix).
    extraProperties: { 'driver.allowPublicKeyRetrieval': 'true' },
  },
};
