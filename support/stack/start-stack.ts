import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harnessClientTimeouts } from '../components/client-timeouts';
import {
  changeTopic,
  connectorConfigFor,
  createTopics,
  registerConnector,
  waitForInitialSnapshot,
  waitForTaskRunning,
} from '../components/debezium-connector';
import type {
  ComponentControl,
  ComponentTiming,
  Environment,
  InfrastructureComponent,
  RunningInfrastructure,
} from '../components/environment';
import { debeziumConnectors } from '../components/versions';
import { claimRunFolder, cleanAbandonedRuns, markKept } from '../lib/abandoned-runs';
import { freePort } from '../lib/free-ports';
import type { ManagedProcess } from '../lib/processes';
import { settleAll } from '../lib/settle-all';
import { Supervisor } from '../lib/supervisor';
import { stopOnSignals, Teardown } from '../lib/teardown';
import { Timings } from '../lib/timings';
import { Inbox } from '../mail/inbox';
import { startMailDev } from '../mail/maildev';
import { buildServices, type ServiceSpec, startService } from './services';
import type { StackPorts } from './stack-ports';

const runFolderPrefix = 'cdc-harness-';
const pushEmailGroupId = 'push-email';
/** push-email's KAFKA_CONCURRENCY and KAFKA_BATCH_SIZE in the stacks the harness starts (its defaults). */
const pushEmailConcurrency = 8;
const pushEmailBatchSize = 32;
/**
 * The most changes a crash of push-email (or of its database) can have emailed without the delivery log recording
 * them, so emailed again on replay: a batch of each partition it handles at once.
 */
const pushEmailDuplicateWindow = pushEmailConcurrency * pushEmailBatchSize;

export interface StackOptions {
  readonly environment: Environment;
  readonly ports: StackPorts;
  /**
   * The inbox (smtp-tester), read by the specs, is always the SMTP server push-email sends to. `maildev`: each of its
   * messages is also relayed to MailDev, a web mailbox for people (`npm start`, which the specs can attach to).
   */
  readonly mailSink: 'inbox' | 'maildev';
  /** Keep the run folder (data and logs) after stopping, for debugging. */
  readonly keepData?: boolean;
  readonly pollIntervalMs?: number;
  readonly log?: (line: string) => void;
}

/** Every part of a running stack a fault can hit. */
export type StackComponent = InfrastructureComponent | 'userdata' | 'push-email';

export interface RunningStack {
  readonly infrastructure: RunningInfrastructure;
  readonly ports: StackPorts;
  readonly userdataUrl: string;
  readonly connectorStatusUrl: string;
  readonly changeTopic: string;
  /** push-email's consumer group: how far it has got is how far emails have been sent. */
  readonly pushEmailGroupId: string;
  /**
   * How many changes push-email may have emailed and not yet recorded (KAFKA_CONCURRENCY × KAFKA_BATCH_SIZE): the
   * most a crash of it or of its database can email twice.
   */
  readonly pushEmailDuplicateWindow: number;
  readonly inbox: Inbox;
  readonly mailUiUrl: string | undefined;
  /** The services as they run now: `pushEmail` is the process started last (see restartPushEmail, and below). */
  readonly services: { readonly userdata: ManagedProcess; readonly pushEmail: ManagedProcess };
  readonly runFolder: string;
  readonly timings: readonly ComponentTiming[];
  /**
   * Ends push-email abruptly (SIGKILL to its process group), as a crash would; resolves once it is gone. It stays
   * down until restartPushEmail(); a push-email that ends by itself is started again at once, as k8s would.
   */
  killPushEmail(): Promise<void>;
  /**
   * Starts push-email again, with the environment it was first started with, once the process before is gone;
   * resolves when it is ready (in its consumer group). The teardown stops this new process.
   */
  restartPushEmail(): Promise<void>;
  /**
   * Stops userdata or push-email gracefully and starts it again from the current build (`npm start` does it when
   * their source changes); resolves once it is ready.
   */
  replaceService(name: 'userdata' | 'push-email'): Promise<void>;
  /**
   * Kill, restart, freeze and thaw each part of the stack. `push-email` is its first instance; killing it is the
   * same as killPushEmail().
   */
  readonly components: Readonly<Record<StackComponent, ComponentControl>>;
  /**
   * Starts one more push-email in the same consumer group, on a port of its own: the group shares the change topic's
   * partitions between the instances. Resolves once it is ready; stopped with the stack, or by its `stop()`. `env`
   * overrides its configuration (the benchmark points one at its own SMTP sink).
   */
  addPushEmailInstance(env?: Readonly<Record<string, string>>): Promise<PushEmailInstance>;
  /** Stops everything started, in reverse order; safe to call more than once. */
  stop(): Promise<void>;
}

/** A push-email started beside the first one (scale-out). */
export interface PushEmailInstance extends ComponentControl {
  /** Its HTTP port: /ready, /metrics. */
  readonly port: number;
  /** Stops it gracefully (its partitions go to the others); whatever state a fault left it in. */
  stop(): Promise<void>;
}

/**
 * Starts the whole product on an environment: database, Kafka and Connect (from the environment), the Debezium
 * connector, a mail sink and both services. Everything started is stopped on stop(), on a failed start, and on
 * SIGINT/SIGTERM/SIGHUP.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const teardown = new Teardown();
  const removeSignalHandlers = stopOnSignals(() => teardown.run(), log);
  for (const cleaned of cleanAbandonedRuns(tmpdir(), runFolderPrefix)) log(`Cleaned up an abandoned run: ${cleaned}`);
  const runFolder = mkdtempSync(join(tmpdir(), runFolderPrefix));
  claimRunFolder(runFolder);
  teardown.add('run folder', () => {
    if (!options.keepData) return rmSync(runFolder, { recursive: true, force: true });
    markKept(runFolder);
    log(`Kept data and logs in ${runFolder}`);
  });
  const stop = async (): Promise<void> => {
    try {
      await teardown.run();
    } finally {
      removeSignalHandlers();
    }
  };

  const timings = new Timings();
  const timed = timings.time.bind(timings);
  const { ports } = options;
  const started = Date.now();
  try {
    const { inbox, mailUiUrl } = await timed('mail sink', async () => {
      if (options.mailSink === 'inbox') {
        const inbox = await Inbox.start(ports.smtp);
        teardown.add('inbox', () => inbox.stop());
        return { inbox, mailUiUrl: undefined };
      }
      // MailDev listens for SMTP on a port of its own that only the relay knows.
      const maildev = await startMailDev(await freePort(), ports.mailUi, join(runFolder, 'maildev'));
      teardown.add('MailDev', maildev.stop);
      const inbox = await Inbox.start(ports.smtp, (message) =>
        maildev.deliver(message).catch((error: unknown) => log(`MailDev did not take an email: ${String(error)}`)),
      );
      teardown.add('inbox', () => inbox.stop());
      return { inbox, mailUiUrl: maildev.webUrl };
    });
    // The services are built while the infrastructure starts; they start from the build once both are done.
    const built = timed('build', buildServices);
    built.catch(() => undefined); // awaited below: a failed start of the infrastructure must not leave it unheard
    const infrastructure = await options.environment.start({
      runFolder,
      ports,
      log,
      onStarted: (name, stopComponent) => teardown.add(name, stopComponent),
    });
    timings.entries.push(...infrastructure.timings);
    const { database, kafka, connect } = infrastructure;

    const connector = timed('connector', async () => {
      await createTopics(kafka.brokers);
      await registerConnector(connect.url, connectorConfigFor(infrastructure, options.pollIntervalMs));
      await waitForTaskRunning(connect.url);
      return waitForInitialSnapshot(kafka.brokers);
    });
    await built;
    const userdataSpec: ServiceSpec = {
      name: 'userdata',
      env: {
        USERDATA_PORT: String(ports.userdata),
        DATABASE_HOST: database.host,
        DATABASE_PORT: String(database.port),
        DATABASE_NAME: database.name,
        DATABASE_USER: database.userdata.user,
        DATABASE_PASSWORD: database.userdata.password,
        DATABASE_STATEMENT_TIMEOUT_MS: String(harnessClientTimeouts.userdataStatementMs),
      },
      readyUrl: `http://127.0.0.1:${ports.userdata}/health`,
      logFile: join(runFolder, 'userdata.log'),
      runFolder,
    };
    const userdataSupervisor = new Supervisor({ name: 'userdata', start: () => startService(userdataSpec), log });
    const userdata = timed('userdata', async () => {
      const service = await userdataSupervisor.start();
      teardown.add('userdata', () => userdataSupervisor.stop());
      return service;
    });
    // Kept, so that a spec can kill push-email and start it again exactly as it was.
    const pushEmailSpec: ServiceSpec = {
      name: 'push-email',
      env: {
        PUSH_EMAIL_PORT: String(ports.pushEmail),
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPIC: changeTopic,
        KAFKA_GROUP_ID: pushEmailGroupId,
        KAFKA_CONCURRENCY: String(pushEmailConcurrency),
        KAFKA_BATCH_SIZE: String(pushEmailBatchSize),
        DATABASE_HOST: database.host,
        DATABASE_PORT: String(database.port),
        DATABASE_NAME: database.pushEmail.name,
        DATABASE_USER: database.pushEmail.service.user,
        DATABASE_PASSWORD: database.pushEmail.service.password,
        // Quick retries: the specs stop the mail server for seconds, not minutes.
        RETRY_INITIAL_MS: '200',
        RETRY_MAX_MS: '2000',
        // A crashed push-email's partitions go to its successor once Kafka declares it dead: seconds, not 30.
        KAFKA_SESSION_TIMEOUT_MS: String(harnessClientTimeouts.pushEmailKafkaSessionMs),
        KAFKA_REQUEST_TIMEOUT_MS: String(harnessClientTimeouts.pushEmailKafkaRequestMs),
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(ports.smtp),
      },
      readyUrl: `http://127.0.0.1:${ports.pushEmail}/ready`,
      logFile: join(runFolder, 'push-email.log'),
      runFolder,
    };
    // push-email ends itself when its consumer fails for good: like k8s, the harness starts it again. Whichever
    // push-email runs at teardown time is stopped: the first one, or one started again since.
    const pushEmailSupervisor = new Supervisor({
      name: 'push-email',
      start: () => startService(pushEmailSpec),
      log,
    });
    let instances = 1;
    const addPushEmailInstance = async (env: Readonly<Record<string, string>> = {}): Promise<PushEmailInstance> => {
      instances++;
      const port = await freePort();
      const spec: ServiceSpec = {
        ...pushEmailSpec,
        env: { ...pushEmailSpec.env, ...env, PUSH_EMAIL_PORT: String(port) },
        readyUrl: `http://127.0.0.1:${port}/ready`,
        logFile: join(runFolder, `push-email-${instances}.log`),
      };
      const supervisor = new Supervisor({ name: `push-email #${instances}`, start: () => startService(spec), log });
      await supervisor.start();
      teardown.add(supervisor.name, () => supervisor.stop());
      return Object.assign(supervisor, { port });
    };
    const pushEmail = timed('push-email', async () => {
      const started = await pushEmailSupervisor.start();
      teardown.add('push-email', () => pushEmailSupervisor.stop());
      return started;
    });
    const [, userdataService, pushEmailService] = await settleAll([connector, userdata, pushEmail]);
    log(readyLine(stackDescription(options.environment, infrastructure), Date.now() - started, timings.entries));
    return {
      infrastructure,
      ports,
      userdataUrl: `http://127.0.0.1:${ports.userdata}`,
      connectorStatusUrl: `${connect.url}/connectors/userdata-cdc/status`,
      changeTopic,
      pushEmailGroupId,
      pushEmailDuplicateWindow,
      inbox,
      mailUiUrl,
      services: {
        get userdata(): ManagedProcess {
          return userdataSupervisor.process ?? userdataService;
        },
        get pushEmail(): ManagedProcess {
          return pushEmailSupervisor.process ?? pushEmailService;
        },
      },
      runFolder,
      timings: timings.entries,
      killPushEmail: () => pushEmailSupervisor.kill(),
      restartPushEmail: async () => {
        await pushEmailSupervisor.start();
      },
      replaceService: (name) => (name === 'userdata' ? userdataSupervisor : pushEmailSupervisor).replace(),
      components: { ...infrastructure.components, userdata: userdataSupervisor, 'push-email': pushEmailSupervisor },
      addPushEmailInstance,
      stop,
    };
  } catch (error) {
    log('The stack did not start: stopping what did.');
    await stop().catch((teardownError: unknown) => log(String(teardownError)));
    throw error;
  }
}

/** What runs, as the first line says it: `native · MySQL 9.7.4-2 · Debezium MySqlConnector 3.6.1.Final`. */
export function stackDescription(environment: Environment, infrastructure: RunningInfrastructure): string {
  const connector = debeziumConnectors[infrastructure.connect.connector];
  const connectorClass = connector.connectorClass.split('.').pop();
  const brokers = infrastructure.kafka.brokers.length;
  const cluster = brokers > 1 ? ` · ${brokers} Kafka brokers` : '';
  return `${environment.name.replace(/ \(.*\)$/, '')} · ${infrastructure.server}${cluster} · Debezium ${connectorClass} ${connector.version}`;
}

function readyLine(environment: string, totalMs: number, timings: readonly ComponentTiming[]): string {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  return `Stack ready (${environment}) in ${seconds(totalMs)}: ${timings.map((t) => `${t.component} ${seconds(t.ms)}`).join(' · ')}`;
}
