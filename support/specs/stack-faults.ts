import { setTimeout as delay } from 'node:timers/promises';
import { longestClientTimeoutMs } from '../components/client-timeouts';
import type { ComponentControl } from '../components/environment';
import type { ConnectRest } from '../drivers/connect-rest';
import type { DatabaseOperator } from '../drivers/database-operator';
import type { ApiResponse, UserdataClient } from '../drivers/userdata-client';
import { eventually } from '../lib/eventually';
import type { Inbox } from '../mail/inbox';
import type { PushEmailInstance, RunningStack, StackComponent } from '../stack/start-stack';

/** The steps may import the specs, not the stack: they name a component through this. */
export type { StackComponent };

/** How a scenario names the parts of the stack. */
export const componentNames: Readonly<Record<string, StackComponent>> = {
  'the database': 'database',
  'the Kafka broker': 'kafka',
  'Kafka Connect': 'connect',
  userdata: 'userdata',
  'push-email': 'push-email',
};

/** Longer than every client's session and request timeout, so that each of them gives up once during a freeze. */
export const freezeMs = Math.ceil(longestClientTimeoutMs * 1.5);

/** What the operators changed under the pipeline, so that repair() can put it back. */
interface OperatorChanges {
  debeziumPasswordChanged: boolean;
  addedColumns: string[];
  /** The connector's configuration before a scenario changed it. */
  connectorConfig?: Record<string, string>;
}

/**
 * What a scenario does to the stack to see how the product copes: the mail server going down or refusing a
 * recipient, push-email crashing. `repair()` undoes all of it for the next scenario.
 */
export class StackFaults {
  private readonly extraInstances: PushEmailInstance[] = [];
  private readonly operatorChanges: OperatorChanges = { debeziumPasswordChanged: false, addedColumns: [] };
  /** What userdata's /ready answered while a fault kept its database away. */
  readonly readinessDuringOutage: ApiResponse[] = [];
  /** How many emails a fault may have sent twice (the documented bound): only a push-email crash can. */
  duplicateBound = 0;
  /** When the last fault began, and when its component was back (ready after a restart, or thawed). */
  private lastFault:
    | { readonly what: string; readonly began: number; ended?: number; readonly leftDown?: boolean }
    | undefined;

  constructor(
    private readonly inbox: Inbox,
    private readonly stack: RunningStack,
    private readonly connect: ConnectRest,
    private readonly operator: DatabaseOperator,
    private readonly userdata: UserdataClient,
  ) {}

  component(name: StackComponent): ComponentControl {
    return this.stack.components[name];
  }

  /**
   * SIGKILL, then started again at once on its port with its data: the outage lasts as long as the restart. While it
   * is down, userdata's readiness is noted when the database is the one down, then `whileAway` runs.
   */
  async killAndRestart(name: StackComponent, whileAway: () => Promise<void> = async () => {}): Promise<void> {
    const component = this.component(name);
    this.widenDuplicateBound(name);
    const fault = { what: `${component.name} killed and restarted`, began: Date.now() } as NonNullable<
      typeof this.lastFault
    >;
    this.lastFault = fault;
    await component.kill();
    if (name === 'database') this.readinessDuringOutage.push(await this.userdata.readiness());
    await whileAway();
    await component.restart();
    fault.ended = Date.now();
  }

  /**
   * SIGKILL, and left down for the rest of the scenario (one broker of a cluster: the others carry on without it);
   * repair() starts it again for the next scenario.
   */
  async killAndLeaveDown(component: ComponentControl, what: string): Promise<void> {
    const began = Date.now();
    await component.kill();
    this.lastFault = { what: `${what} killed and left down`, began, ended: Date.now(), leftDown: true };
  }

  /**
   * push-email records the emails of a batch in its delivery log (in the database) once the mail server accepted
   * them. A fault between the two, push-email's own crash or its database going away, sends them again on the retry,
   * with the same Message-IDs: at most a batch per partition push-email handles at once.
   */
  private widenDuplicateBound(name: StackComponent): void {
    if (name === 'push-email' || name === 'database') this.duplicateBound += this.pushEmailDuplicateWindow;
  }

  /**
   * How long the last fault kept its component away, and how long after it was back the mail server accepted the
   * next email: the measured recovery, for the scenario's report (and the README's table).
   */
  recoveryReport(): string {
    const fault = this.lastFault;
    if (!fault?.ended) return 'No fault ended in this scenario.';
    const ended = fault.ended;
    const next = this.inbox.all().find((message) => message.receivedAt >= ended);
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    if (fault.leftDown) {
      return next
        ? `${fault.what}: the next email accepted ${seconds(next.receivedAt - ended)} after it was gone.`
        : `${fault.what}: no email since.`;
    }
    return (
      `${fault.what}: away for ${seconds(ended - fault.began)}; ` +
      (next ? `the next email accepted ${seconds(next.receivedAt - ended)} after it was back.` : 'no email since.')
    );
  }

  /**
   * Freezes the component for longer than every client's session and request timeout (freezeMs), then thaws it.
   * While the database is frozen, waits for userdata to say it is not ready, which takes its statement timeout; then
   * `whileAway` runs, within the freeze.
   */
  async freezeLongerThanTimeouts(name: StackComponent, whileAway: () => Promise<void> = async () => {}): Promise<void> {
    const component = this.component(name);
    const thawAt = Date.now() + freezeMs;
    this.widenDuplicateBound(name);
    const fault = { what: `${component.name} frozen`, began: Date.now() } as NonNullable<typeof this.lastFault>;
    this.lastFault = fault;
    await component.freeze();
    try {
      if (name === 'database') await this.untilUserdataNotReady(freezeMs);
      await whileAway();
      // The fault's own length, not a wait for an effect: a freeze shorter than the timeouts would prove less.
      await delay(Math.max(0, thawAt - Date.now()));
    } finally {
      await component.thaw();
      fault.ended = Date.now();
    }
  }

  private async untilUserdataNotReady(timeoutMs: number): Promise<void> {
    let last = 'no answer';
    const answer = await eventually(
      async () => {
        const readiness = await this.userdata.readiness();
        last = `${readiness.status}`;
        return readiness.status === 200 ? undefined : readiness;
      },
      {
        awaiting: 'userdata to say it is not ready, its database frozen',
        timeoutMs,
        intervalMs: 200,
        lastSeen: () => last,
      },
    );
    this.readinessDuringOutage.push(answer);
  }

  /** A second push-email in the same consumer group; resolves once the group has shared the partitions out. */
  async addPushEmailInstance(): Promise<PushEmailInstance> {
    const instance = await this.stack.addPushEmailInstance();
    this.extraInstances.push(instance);
    return instance;
  }

  /** The extra push-email instances this scenario started. */
  get pushEmailInstances(): readonly PushEmailInstance[] {
    return this.extraInstances;
  }

  /** A DBA changes the password of Debezium's account, and the task is restarted so that it logs in again. */
  async changeDebeziumPassword(): Promise<void> {
    this.operatorChanges.debeziumPasswordChanged = true;
    await this.operator.setPasswordOf(this.stack.infrastructure.database.debezium.user, `changed-${Date.now()}`);
    await this.connect.restartTask();
  }

  /** Puts Debezium's password back, then restarts what failed through Connect's REST API. */
  async putBackDebeziumPasswordAndRestartConnector(): Promise<void> {
    const { user, password } = this.stack.infrastructure.database.debezium;
    await this.operator.setPasswordOf(user, password);
    this.operatorChanges.debeziumPasswordChanged = false;
    await this.connect.restartFailed();
    await this.connect.untilTask('RUNNING');
  }

  /**
   * Debezium hands its changes over to Connect a few at a time (`max.batch.size` 2, `max.queue.size` 4, against
   * 2048 and 8192 by default): a transaction of more changes than that fills its queue while the task is paused, and
   * its binlog reader then waits in the middle of it. repair() puts the configuration back.
   */
  async connectorHandsOverAFewAtATime(): Promise<void> {
    const config = await this.connect.config();
    this.operatorChanges.connectorConfig ??= config;
    await this.connect.reconfigure({ ...config, 'max.batch.size': '2', 'max.queue.size': '4' });
  }

  /**
   * Pauses the connector's task, runs `whilePaused`, and resumes the task once it has been paused for longer than
   * Debezium's binlog keep-alive (`connect.keep.alive.interval.ms`): a binlog reader stopped by a full queue has then
   * read nothing for that long, and the keep-alive takes its connection for lost and opens a new one.
   */
  async pauseConnectorPastBinlogKeepAlive(whilePaused: () => Promise<void>): Promise<void> {
    const keepAliveMs = Number((await this.connect.config())['connect.keep.alive.interval.ms'] ?? 60_000);
    const fault = { what: "the connector's task paused", began: Date.now() } as NonNullable<typeof this.lastFault>;
    this.lastFault = fault;
    await this.connect.pause();
    try {
      await whilePaused();
      // The pause's own length, not a wait for an effect: the keep-alive looks once per interval, and gives up on a
      // connection silent for longer than one.
      await delay(2 * keepAliveMs + 1_000);
    } finally {
      await this.connect.resume();
      fault.ended = Date.now();
    }
  }

  /** Restarts the connector's task through Connect's REST API, as a rebalance would: it resumes from its offsets. */
  async restartConnectorTask(): Promise<void> {
    await this.connect.restartTask();
    await this.connect.untilTask('RUNNING');
  }

  /** The trace of the connector's failed task, once it has failed. */
  async connectorTaskFailure(): Promise<string> {
    return (await this.connect.untilTask('FAILED')).trace ?? '(no trace)';
  }

  async assertConnectorRunning(): Promise<void> {
    const task = await this.connect.taskState();
    if (task?.state !== 'RUNNING') throw new Error(`The connector's task is ${task?.state}: ${task?.trace ?? ''}`);
  }

  /** A migration adds a nullable column (of a name of its own) to the users table. */
  async addColumnToUsers(): Promise<string> {
    const column = `nickname_${Date.now().toString(36)}`;
    this.operatorChanges.addedColumns.push(column);
    await this.operator.addNullableColumn(column);
    return column;
  }

  /** The mail server stops accepting connections; what was received before is kept. */
  async mailServerGoesDown(): Promise<void> {
    await this.inbox.goDown();
  }

  async mailServerComesBack(): Promise<void> {
    await this.inbox.comeBack();
  }

  /** The mail server answers 550 (no such user) to every email for this address, from now on. */
  mailServerRefusesForGood(address: string): void {
    this.inbox.refuse(address);
  }

  mailServerAcceptsAgain(address: string): void {
    this.inbox.accept(address);
  }

  /**
   * Ends push-email with SIGKILL as soon as `count()` reaches `atLeast`: a crash at a moment the scenario chooses.
   * Returns the count once push-email is gone: what had happened before the crash.
   */
  async crashPushEmailWhen(what: string, count: () => number, atLeast: number, timeoutMs = 20_000): Promise<number> {
    this.duplicateBound += this.pushEmailDuplicateWindow;
    await eventually(() => (count() >= atLeast ? true : undefined), {
      awaiting: `${atLeast} ${what} before killing push-email`,
      timeoutMs,
      intervalMs: 5,
      lastSeen: () => `${count()} ${what}`,
    });
    await this.stack.killPushEmail();
    return count();
  }

  /** Starts push-email again, as it was configured; resolves once it is back in its consumer group. */
  async restartPushEmail(): Promise<void> {
    await this.stack.restartPushEmail();
  }

  /** How many changes push-email may have emailed and not yet recorded: the bound on what a crash can send twice. */
  get pushEmailDuplicateWindow(): number {
    return this.stack.pushEmailDuplicateWindow;
  }

  /**
   * Undoes whatever a scenario did, even one that failed half-way: every component thawed and running (in the order
   * they depend on each other), the mail server up and accepting everyone, Debezium's password and the connector
   * as they were, added columns dropped, extra push-email instances stopped. Says what it had to bring back, for
   * the scenario's report.
   */
  async repair(): Promise<string[]> {
    const repaired: string[] = [];
    for (const [name, component] of Object.entries(this.stack.components)) {
      if (component.state === 'frozen') {
        repaired.push(`${name} was still frozen at the end of the scenario: thawing it.`);
        await component.thaw();
      }
      if (component.state === 'down') {
        repaired.push(`${name} was not running at the end of the scenario: starting it again.`);
        await component.restart();
      }
    }
    for (const instance of this.extraInstances.splice(0)) await instance.stop();
    this.inbox.refuseNoOne();
    if (!this.inbox.isUp) {
      repaired.push('The mail server was still down at the end of the scenario: bringing it back.');
      await this.inbox.comeBack();
    }
    if (this.operatorChanges.debeziumPasswordChanged) {
      repaired.push("Debezium's password was still changed at the end of the scenario: putting it back.");
      await this.putBackDebeziumPasswordAndRestartConnector();
    }
    for (const column of this.operatorChanges.addedColumns.splice(0)) await this.operator.dropColumn(column);
    if ((await this.connect.taskState())?.state === 'PAUSED') {
      repaired.push("The connector's task was still paused at the end of the scenario: resuming it.");
      await this.connect.resume();
    }
    const { connectorConfig } = this.operatorChanges;
    if (connectorConfig) {
      await this.connect.reconfigure(connectorConfig);
      this.operatorChanges.connectorConfig = undefined;
    }
    const task = await this.connect.taskState();
    if (task?.state !== 'RUNNING') {
      repaired.push(`The connector's task was ${task?.state ?? 'missing'} at the end of the scenario: restarting it.`);
      await this.connect.restartFailed();
      await this.connect.untilTask('RUNNING');
    }
    return repaired;
  }
}
