/**
 * Every pinned version of the real stack, in one place. The native environment resolves these from Maven Central;
 * the containers environment and k8s/ name the same versions.
 */
export const versions = {
  kafka: '4.3.1',
  debezium: '3.6.1.Final',
  /**
   * Which Debezium binlog connector runs against the database. The MariaDB connector is the natural choice for
   * MariaDB, but `io.debezium:debezium-connector-mariadb` is not served by the Maven repository this project can
   * reach; the MySQL connector is, and reads MariaDB's binlog once MariaDB reports a MySQL-compatible version (see
   * support/native/mariadb.ts). Both names stay here so switching is one line where the artifact is available.
   */
  debeziumConnector: 'mysql' as DebeziumConnectorKind,
  slf4j: '2.0.17',
  mavenDependencyPlugin: '3.8.1',
} as const;

export type DebeziumConnectorKind = 'mysql' | 'mariadb';

export const debeziumConnectors: Record<DebeziumConnectorKind, { artifactId: string; connectorClass: string }> = {
  mysql: { artifactId: 'debezium-connector-mysql', connectorClass: 'io.debezium.connector.mysql.MySqlConnector' },
  mariadb: {
    artifactId: 'debezium-connector-mariadb',
    connectorClass: 'io.debezium.connector.mariadb.MariaDbConnector',
  },
};
