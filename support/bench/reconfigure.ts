import { connectorConfig, registerConnector, waitForTaskRunning } from '../stack/debezium-connector';
import type { RunningStack } from '../stack/start-stack';

/** Re-registers the running connector with another poll interval (undefined: the harness's own). */
export async function reconfigurePolling(stack: RunningStack, pollIntervalMs: number | undefined): Promise<void> {
  const { database, databaseForConnect, kafka, connect } = stack.infrastructure;
  await registerConnector(
    connect.url,
    connectorConfig({
      connector: connect.connector,
      databaseHost: databaseForConnect.host,
      databasePort: databaseForConnect.port,
      user: database.debezium.user,
      password: database.debezium.password,
      kafkaBootstrap: kafka.bootstrapForConnect,
      ...(pollIntervalMs ? { pollIntervalMs } : {}),
    }),
  );
  await waitForTaskRunning(connect.url);
}
