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
  async untilTask(state: 'RUNNING' | 'FAILED' | 'PAUSED', timeoutMs = 60_000): Promise<ConnectorPartState> {
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

  /** Pauses the connector and its task (`PUT …/pause`): the task stops handing records to Kafka. */
  async pause(): Promise<void> {
    await this.send('PUT', `/connectors/${connectorName}/pause`);
    await this.untilTask('PAUSED');
  }

  /** Resumes a paused connector (`PUT …/resume`). */
  async resume(): Promise<void> {
    await this.send('PUT', `/connectors/${connectorName}/resume`);
    await this.untilTask('RUNNING');
  }

  /** The connector's configuration as Connect holds it. */
  async config(): Promise<Record<string, string>> {
    const response = await fetch(`${this.connectUrl}/connectors/${connectorName}/config`, {
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`${connectorName}'s config: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, string>;
  }

  /**
   * Replaces the connector's configuration (`PUT …/config`) and waits until task 0 runs with it: Connect restarts
   * the task, which resumes from its stored offsets.
   */
  async reconfigure(config: Readonly<Record<string, string>>): Promise<void> {
    await this.send('PUT', `/connectors/${connectorName}/config`, config);
    let last = 'no answer';
    await eventually(
      async () => {
        const response = await fetch(`${this.connectUrl}/connectors/${connectorName}/tasks`, {
          signal: AbortSignal.timeout(5_000),
        });
        const tasks = response.ok ? ((await response.json()) as { config: Record<string, string> }[]) : [];
        const taken = Object.entries(config).every(([key, value]) => tasks[0]?.config[key] === value);
        const task = await this.taskState();
        last = `config ${taken ? 'taken' : 'not yet taken'}, task ${task?.state ?? 'missing'}`;
        return taken && task?.state === 'RUNNING' ? true : undefined;
      },
      { awaiting: `task 0 of ${connectorName} to run with its new config`, timeoutMs: 60_000, lastSeen: () => last },
    );
  }

  private async post(path: string): Promise<void> {
    await this.send('POST', path);
  }

  private async send(method: 'POST' | 'PUT', path: string, body?: unknown): Promise<void> {
    // 409 while the workers rebalance: asked again until Connect takes it.
    await eventually(
      async () => {
        const response = await fetch(`${this.connectUrl}${path}`, {
          method,
          ...(body === undefined
            ? {}
            : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        });
        if (response.status === 409) return undefined;
        if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
        return true;
      },
      { awaiting: `Kafka Connect to take ${method} ${path}`, timeoutMs: 30_000, intervalMs: 200 },
    );
  }
}
