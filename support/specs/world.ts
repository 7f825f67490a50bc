import { type IWorldOptions, setWorldConstructor, World } from '@cucumber/cucumber';
import { ConnectRest } from '../drivers/connect-rest';
import { KafkaTopics } from '../drivers/kafka-topics';
import type { MalformedAnswer, UserdataClient } from '../drivers/userdata-client';
import type { ChangeStream } from './change-stream';
import { DeadLetterQueue } from './dead-letter-queue';
import { KafkaCluster } from './kafka-cluster';
import { Mailboxes } from './mailboxes';
import { MaintenanceJob } from './maintenance-job';
import { People } from './people';
import { Pipeline } from './pipeline';
import { StackFaults } from './stack-faults';
import { runningStack } from './stack-holder';

/**
 * One scenario's state, held by a few collaborators the steps speak through; the stack they drive is started once
 * for the whole run. Nothing here is shared between scenarios.
 */
export class CdcWorld extends World {
  /** Who the scenario is about: registering, changing, and where their emails go. */
  readonly people: People;
  /** What the mail server received, by mailbox. */
  readonly mail: Mailboxes;
  /** What Debezium captured and how far push-email has got with it. */
  readonly pipeline: Pipeline;
  /** What push-email set aside, and the operator's replay. */
  readonly deadLetters: DeadLetterQueue;
  /** What the scenario does to the stack: the mail server down or refusing, push-email crashing. */
  readonly faults: StackFaults;
  /** The Kafka brokers (three with CDC_KAFKA_BROKERS=3): how the topics are kept, who leads them. */
  readonly kafkaCluster: KafkaCluster;
  /** The SQL changes userdata never makes. */
  readonly maintenanceJob: MaintenanceJob;
  /** userdata's API as any client reaches it, for the requests no person of the scenario would send. */
  readonly userdata: UserdataClient;
  /** What userdata answered to each malformed request the scenario sent. */
  malformedAnswers: readonly MalformedAnswer[] = [];
  /** The people moving one after another while a fault hits the pipeline. */
  stream: ChangeStream | undefined;
  /** How many records the change feed held about each person before a maintenance job's transaction. */
  recordsBeforeJob: ReadonlyMap<number, number> | undefined;
  /** The node id of the Kafka broker the scenario killed. */
  killedBroker: number | undefined;

  constructor(options: IWorldOptions) {
    super(options);
    const { stack, userdata, inbox, changeFeed, deadLetters, database, operator, pushEmailMetrics, catchUp } =
      runningStack();
    this.userdata = userdata;
    this.people = new People(userdata, changeFeed);
    this.mail = new Mailboxes(inbox, this.people);
    this.pipeline = new Pipeline(changeFeed, this.people, catchUp, pushEmailMetrics, inbox, stack);
    this.deadLetters = new DeadLetterQueue(deadLetters, this.pipeline);
    this.faults = new StackFaults(inbox, stack, new ConnectRest(stack.infrastructure.connect.url), operator, userdata);
    this.maintenanceJob = new MaintenanceJob(database, this.people);
    const { kafka, kafkaBrokers } = stack.infrastructure;
    this.kafkaCluster = new KafkaCluster(new KafkaTopics(kafka.brokers), kafkaBrokers);
  }

  /** A line in the scenario's report, for what passed but deserves a look; bound, so helpers can be handed it. */
  readonly note = (text: string): void => {
    this.attach(text, 'text/plain');
  };
}

setWorldConstructor(CdcWorld);
