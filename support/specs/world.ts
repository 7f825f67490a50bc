import { randomUUID } from 'node:crypto';
import { type IWorldOptions, setWorldConstructor, World } from '@cucumber/cucumber';
import type { CapturedRecord, ChangeFeed } from '../drivers/change-feed';
import type { DeadLetter, DeadLetters, RecordPosition } from '../drivers/dead-letters';
import type {
  ApiResponse,
  MalformedAnswer,
  UserDetails,
  UserdataClient,
  UserResource,
} from '../drivers/userdata-client';
import { eventually } from '../lib/eventually';
import type { Inbox, ReceivedMessage } from '../mail/inbox';
import { type HeldStack, runningStack } from './stack-holder';

/** A person of a scenario: known by first name in the Gherkin, by a unique email in the system. */
export interface Person {
  readonly name: string;
  user: UserResource;
  /** The details as read before a later change, for the steps about outdated copies. */
  readBefore?: UserResource;
  /** The email addresses the person had before changing it, oldest first. */
  readonly formerEmails: string[];
}

/** State of one scenario and the drivers its steps use. Nothing here is shared between scenarios. */
export class CdcWorld extends World {
  readonly userdata: UserdataClient;
  readonly inbox: Inbox;
  readonly changes: ChangeFeed;
  readonly deadLetters: DeadLetters;
  private readonly stack: HeldStack;
  private readonly pushEmailGroupId: string;
  private readonly people = new Map<string, Person>();
  /** The people registered together by the steps about many people at once, in order. */
  crowd: Person[] = [];
  /** Where the record the scenario wrote to the change topic itself landed. */
  writtenRecord: RecordPosition | undefined;
  /** How many of the awaited emails had arrived when push-email was killed. */
  emailsBeforeCrash: number | undefined;
  /** The dead letter the last "set aside" step found, for the steps that replay it. */
  lastDeadLetter: DeadLetter | undefined;
  /** The email the last "receives" step found, for the steps that look into it. */
  lastEmail: ReceivedMessage | undefined;
  /** The answer to the last request a person tried that could be refused. */
  lastResponse: ApiResponse | undefined;
  malformed: MalformedAnswer[] = [];

  constructor(options: IWorldOptions) {
    super(options);
    const stack = runningStack();
    this.stack = stack;
    this.userdata = stack.userdata;
    this.inbox = stack.inbox;
    this.changes = stack.changes;
    this.deadLetters = stack.deadLetters;
    this.pushEmailGroupId = stack.stack.pushEmailGroupId;
  }

  /** Unique per scenario run, so that scenarios never see each other's users or emails. */
  static uniqueEmail(name: string): string {
    return `${name.toLowerCase()}.${randomUUID().slice(0, 8)}@example.test`;
  }

  async register(name: string, details: Partial<UserDetails> = {}): Promise<Person> {
    const user = await this.userdata.register({
      name,
      email: CdcWorld.uniqueEmail(name),
      address: `${name}'s first address, 1`,
      ...details,
    });
    const person: Person = { name, user, formerEmails: [] };
    this.people.set(name, person);
    return person;
  }

  async change(name: string, changes: Partial<UserDetails>): Promise<void> {
    const person = this.person(name);
    const before = person.user;
    person.user = await this.userdata.change(person.user.id, changes);
    if (person.user.email.toLowerCase() !== before.email.toLowerCase()) person.formerEmails.push(before.email);
  }

  /** Registers `count` people at once (Guest01, Guest02, …) and keeps them as the scenario's crowd. */
  async registerCrowd(count: number): Promise<Person[]> {
    const names = Array.from({ length: count }, (_, i) => `Guest${String(i + 1).padStart(2, '0')}`);
    this.crowd = await Promise.all(names.map((name) => this.register(name)));
    return this.crowd;
  }

  /**
   * Registers people (Guest01, Guest02, …) until at least one was created on each partition of the change topic,
   * and keeps them as the scenario's crowd: whatever holds up a partition would hold up one of them.
   */
  async registerOnEveryPartition(maxPeople = 150): Promise<Person[]> {
    const partitions = await this.changes.partitionCount();
    const covered = new Set<number>();
    this.crowd = [];
    while (covered.size < partitions) {
      if (this.crowd.length >= maxPeople) {
        throw new Error(`${maxPeople} people registered, and partitions ${[...covered].sort()} only of ${partitions}`);
      }
      const names = Array.from({ length: partitions }, (_, i) => `Guest${this.crowd.length + i + 1}`);
      const people = await Promise.all(names.map((name) => this.register(name)));
      const created = await Promise.all(people.map(({ user }) => this.changes.creationOf(user.id)));
      for (const record of created) covered.add(record.partition);
      this.crowd.push(...people);
    }
    return this.crowd;
  }

  /** Registers people called `name` until one's changes share the partition of `other`'s; that one is `name`. */
  async registerSharingPartitionWith(other: string, name: string, maxPeople = 150): Promise<Person> {
    const { partition } = await this.changes.creationOf(this.person(other).user.id);
    for (let tries = 0; tries < maxPeople; tries++) {
      const person = await this.register(name);
      if ((await this.changes.creationOf(person.user.id)).partition === partition) return person;
    }
    throw new Error(`None of ${maxPeople} people registered shares partition ${partition} with ${other}`);
  }

  /** Where the latest change of `name`'s record landed on the change topic. */
  async latestChangeOf(name: string): Promise<RecordPosition> {
    const { user } = this.person(name);
    const record = await this.changes.waitFor(
      `${name}'s details as they are now (user ${user.id}, version ${user.version})`,
      (r) => r.userId === user.id && (r.value?.after as { version?: number } | null)?.version === user.version,
    );
    return { topic: this.stack.stack.changeTopic, partition: record.partition, offset: record.offset };
  }

  /** The mail server answers 550 (no such user) to every email for `name`'s address, from now on. */
  mailServerRefusesForGood(name: string): void {
    this.inbox.refuse(this.mailbox(name));
  }

  /** Waits for the dead letter of `name`'s latest change, and keeps it for the steps that replay it. */
  async deadLetterOfLatestChange(name: string): Promise<DeadLetter> {
    this.lastDeadLetter = await this.deadLetters.waitForLetterFrom(await this.latestChangeOf(name));
    return this.lastDeadLetter;
  }

  /** Replays the dead letter found last, as an operator does once its cause is fixed. */
  async replayDeadLetter(): Promise<void> {
    if (!this.lastDeadLetter) throw new Error('No dead letter was found yet in this scenario');
    await this.deadLetters.replay(this.lastDeadLetter);
  }

  /** Writes an email address straight into `name`'s row by SQL, past userdata's validation. */
  async writeEmailBySql(name: string, email: string): Promise<void> {
    const person = this.person(name);
    await this.stack.database.setEmail(person.user.id, email);
    person.user = await this.userdata.get(person.user.id);
  }

  /** Everyone registered in this scenario so far. */
  get everyone(): Person[] {
    return [...this.people.values()];
  }

  /** Waits for the welcome email of each of `people`. */
  async welcomed(people: readonly Person[]): Promise<void> {
    await Promise.all(
      people.map(({ user }) =>
        this.inbox.waitFor(user.email, 'a welcome email', (message) => message.subject === `Welcome, ${user.name}`),
      ),
    );
  }

  /**
   * Where a person's emails go: `Ana` (or `Ana's new address`) is the address Ana has now, `Ana's old address` the
   * one Ana had before their last change of email address.
   */
  mailbox(reference: string): string {
    const [, name = reference, which] = /^(\w+)'s (old|new) address$/.exec(reference) ?? [];
    const person = this.person(name);
    if (which !== 'old') return person.user.email;
    const old = person.formerEmails.at(-1);
    if (!old) throw new Error(`${name} never changed their email address in this scenario`);
    return old;
  }

  /** Changes a user's row the way a database maintenance job would: only `updated_at`, no tracked field. */
  async touchRecordOf(name: string): Promise<void> {
    await this.stack.database.touch(this.person(name).user.id);
  }

  /** Waits until the change topic holds a record of `name`'s user with this operation (c, u, d). */
  capturedChange(name: string, op: string, what: string): Promise<CapturedRecord> {
    const { id } = this.person(name).user;
    return this.changes.waitFor(`${what} (user ${id}, op ${op})`, (r) => r.userId === id && r.value?.op === op);
  }

  /**
   * Writes a record that is not a change event onto the change topic, into the partition that holds `name`'s
   * changes, so that their next change comes after it in the same partition.
   */
  async writeUnreadableRecordAmongChangesOf(name: string): Promise<RecordPosition> {
    const created = await this.capturedChange(name, 'c', `the creation of ${name}`);
    this.writtenRecord = await this.deadLetters.writeToChangeTopic({
      partition: created.partition,
      key: JSON.stringify({ id: 999_999 }),
      value: '{not json',
    });
    return this.writtenRecord;
  }

  get writtenRecordPosition(): RecordPosition {
    if (!this.writtenRecord) throw new Error('No record was written to the change topic in this scenario');
    return this.writtenRecord;
  }

  /** The mail server stops accepting connections; what was received before is kept. */
  async mailServerGoesDown(): Promise<void> {
    await this.inbox.goDown();
  }

  async mailServerComesBack(): Promise<void> {
    await this.inbox.comeBack();
  }

  /** Waits until the change topic holds each person's details as they are now (their latest version). */
  async capturedAsTheyAreNow(people: readonly Person[]): Promise<void> {
    await Promise.all(
      people.map(({ name, user }) =>
        this.changes.waitFor(
          `${name}'s details as they are now (user ${user.id}, version ${user.version})`,
          (r) => r.userId === user.id && (r.value?.after as { version?: number } | null)?.version === user.version,
        ),
      ),
    );
  }

  /**
   * Waits until every change of `people` is on the change topic, and then until push-email has tried to deliver,
   * failed and scheduled a retry: the mail server was down while push-email had these changes in hand.
   */
  async deliveryHasFailed(people: readonly Person[], timeoutMs = 20_000): Promise<number> {
    if (this.inbox.isUp) throw new Error('The mail server is up: nothing can fail to be delivered');
    await this.capturedAsTheyAreNow(people);
    const baseline = await this.stack.pushEmailMetrics.retries();
    let last = baseline;
    return eventually(
      async () => {
        last = await this.stack.pushEmailMetrics.retries();
        return last > baseline ? last : undefined;
      },
      {
        awaiting: `push-email to fail a delivery and retry (push_email_retries_total above ${baseline})`,
        timeoutMs,
        intervalMs: 50,
        lastSeen: () => `push_email_retries_total ${last}`,
      },
    );
  }

  /**
   * Ends push-email with SIGKILL as soon as `count()` reaches `atLeast`: a crash at a moment the scenario chooses.
   * Returns the count once push-email is gone: what had happened before the crash.
   */
  async crashPushEmailWhen(what: string, count: () => number, atLeast: number, timeoutMs = 20_000): Promise<number> {
    await eventually(() => (count() >= atLeast ? true : undefined), {
      awaiting: `${atLeast} ${what} before killing push-email`,
      timeoutMs,
      intervalMs: 5,
      lastSeen: () => `${count()} ${what}`,
    });
    await this.stack.stack.killPushEmail();
    this.emailsBeforeCrash = count();
    return this.emailsBeforeCrash;
  }

  /** Starts push-email again, as it was configured; resolves once it is back in its consumer group. */
  /** How many emails push-email may have in flight at once: the bound on what a crash can send twice. */
  get pushEmailConcurrency(): number {
    return this.stack.stack.pushEmailConcurrency;
  }

  async restartPushEmail(): Promise<void> {
    await this.stack.stack.restartPushEmail();
  }

  /**
   * Waits until the pipeline has caught up with everything done so far: makes one real change (registers a
   * bystander), waits until Debezium has captured it, then until push-email has committed every record the topic
   * holds. push-email commits only after SMTP accepted the email, so afterwards an absent email is truly absent.
   */
  async settle(): Promise<void> {
    const marker = await this.userdata.register({
      name: 'Marker',
      email: CdcWorld.uniqueEmail('marker'),
      address: 'Rua do Marcador, 0',
    });
    await this.changes.waitFor(
      `the creation of marker user ${marker.id}`,
      (record) => record.userId === marker.id && record.value?.op === 'c',
    );
    await this.changes.waitUntilConsumed(this.pushEmailGroupId);
  }

  get response(): ApiResponse {
    if (!this.lastResponse) throw new Error('No request was attempted yet in this scenario');
    return this.lastResponse;
  }

  person(name: string): Person {
    const person = this.people.get(name);
    if (!person) throw new Error(`No one called ${name} was registered in this scenario`);
    return person;
  }

  get email(): ReceivedMessage {
    if (!this.lastEmail) throw new Error('No email was received yet in this scenario');
    return this.lastEmail;
  }
}

setWorldConstructor(CdcWorld);
