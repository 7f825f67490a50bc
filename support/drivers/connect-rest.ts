import { connectorName } from '../components/debezium-connector';
import { eventually } from '../lib/eventually';

/** One part of the connector as Connect reports it: the connector itself or one of its tasks. */
export interface ConnectorPartState {
  readonly state: string;
  readonly trace?: string;
}

/** Kafka Connect's REST API as an operator uses it on the Debezium connector: its status, and restarts. */
export class ConnectRest {
  constructor(private readonly connectUrl: string) {}

  /** The state of task 0 (the only one a Debezium MySQL or MariaDB connector has). */
  async taskState(): Promise<ConnectorPartState | undefined> {
    const response = await fetch(`${this.connectUrl}/connectors/${connectorName}/status`, {
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`${connectorName}'s status: ${response.status} ${await response.text()}`);
    const status = (await response.json()) as { tasks: ConnectorPartState[] };
    return status.tasks[0];
  }

  /** Waits until task 0 is in `state`; the last state seen names what was there instead. */
  async untilTask(state: 'RUNNING' | 'FAILED', timeoutMs = 60_000): Promise<ConnectorPartState> {
    let last = 'no answer';
    return eventually(
      async () => {
        const task = await this.taskState();
        last = task ? `${task.state}${task.trace ? `: ${task.trace.split('\n')[0]}` : ''}` : 'no task';
        return task?.state === state ? task : undefined;
      },
      { awaiting: `task 0 of ${connectorName} to be ${state}`, timeoutMs, intervalMs: 200, lastSeen: () => last },
    );
  }

  /** Restarts task 0, as an operator does to make it reconnect (`POST …/tasks/0/restart`). */
  async restartTask(): Promise<void> {
    await this.post(`/connectors/${connectorName}/tasks/0/restart`);
  }

  /** Restarts the connector and those of its tasks that failed (`POST …/restart?includeTasks=true&onlyFailed=true`). */
  async restartFailed(): Promise<void> {
    await this.post(`/connectors/${connectorName}/restart?includeTasks=true&onlyFailed=true`);
  }

  private async post(path: string): Promise<void> {
    // 409 while the workers rebalance: asked again until Connect takes it.
    await eventually(
      async () => {
        const response = await fetch(`${this.connectUrl}${path}`, { method: 'POST' });
        if (response.status === 409) return undefined;
        if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
        return true;
      },
      { awaiting: `Kafka Connect to take POST ${path}`, timeoutMs: 30_000, intervalMs: 200 },
    );
  }
}
