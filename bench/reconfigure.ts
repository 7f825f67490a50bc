import { connectorConfigFor, registerConnector, waitForTaskRunning } from '../support/components/debezium-connector';
import type { RunningStack } from '../support/stack/start-stack';

/** Re-registers the running connector with another poll interval (undefined: the harness's own). */
export async function reconfigurePolling(stack: RunningStack, pollIntervalMs: number | undefined): Promise<void> {
  const { connect } = stack.infrastructure;
  await registerConnector(connect.url, connectorConfigFor(stack.infrastructure, pollIntervalMs));
  await waitForTaskRunning(connect.url);
}
