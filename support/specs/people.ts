import { randomUUID } from 'node:crypto';
import type { ChangeFeed } from '../drivers/change-feed';
import type { ApiResponse, UserDetails, UserdataClient, UserResource } from '../drivers/userdata-client';

/** A person of a scenario: known by first name in the Gherkin, by a unique email in the system. */
export interface Person {
  readonly name: string;
  /** The details as userdata holds them after the person's latest change. */
  user: UserResource;
  /** The details before the person's latest change: the copy they had read, for the steps about outdated copies. */
  previous?: UserResource;
  /** The email addresses the person had before changing it, oldest first. */
  readonly formerEmails: string[];
}

/** Unique per scenario run, so that scenarios never see each other's users or emails. */
export function uniqueEmail(name: string): string {
  return `${name.toLowerCase()}.${randomUUID().slice(0, 8)}@example.test`;
}

/**
 * The people of one scenario, by first name: registering them, changing their details through userdata, and
 * saying where their emails go. What userdata answered to the last thing a person only tried is kept as `answer`.
 */
export class People {
  private readonly byName = new Map<string, Person>();
  /** The people registered together by the steps about many people at once, in order. */
  crowd: Person[] = [];
  private lastAnswer: ApiResponse | undefined;
  /** What userdata answered to each request made for a person, by name, in order: a failed scenario's story. */
  private readonly journal = new Map<string, string[]>();

  constructor(
    private readonly userdata: UserdataClient,
    private readonly changeFeed: ChangeFeed,
  ) {}

  async register(name: string, details: Partial<UserDetails> = {}): Promise<Person> {
    const user = await this.userdata.register(firstDetails(name, details));
    const person: Person = { name, user, formerEmails: [] };
    this.byName.set(name, person);
    this.log(name, `POST /users → 201, user ${user.id} version ${user.version}`);
    return person;
  }

  async change(name: string, changes: Partial<UserDetails>): Promise<void> {
    const person = this.person(name);
    const now = await this.userdata.change(person.user.id, changes);
    this.log(name, `PATCH ${JSON.stringify(changes)} → 200, version ${now.version}`);
    this.remember(person, now);
  }

  /** Each of `people` moves to a home of their own, all at the same time. */
  async allMoveHouse(people: readonly Person[]): Promise<void> {
    await Promise.all(people.map(({ name, user }) => this.change(name, { address: `${name}'s new home, ${user.id}` })));
  }

  /**
   * `name` tries to move to `address`: userdata's answer, or the error of a request that got none (userdata down).
   * An accepted move becomes the person's details as they are now.
   */
  async tryToMove(name: string, address: string): Promise<ApiResponse | Error> {
    const person = this.person(name);
    const answer = await this.userdata.tryToChange(person.user.id, { address }).catch((error: Error) => error);
    this.logAnswer(name, `PATCH ${JSON.stringify({ address })}`, answer);
    if (!(answer instanceof Error) && answer.status === 200) this.remember(person, answer.body as UserResource);
    return answer;
  }

  async deleteAccountOf(name: string): Promise<void> {
    await this.userdata.delete(this.person(name).user.id);
    this.log(name, 'DELETE → 204');
  }

  /** Registration that may be refused: someone new called `name`, with the first details a person gets by default. */
  async tryToRegister(name: string, details: Partial<UserDetails>): Promise<void> {
    this.lastAnswer = await this.userdata.tryToRegister(firstDetails(name, details));
  }

  /** A change that may be refused; `basedOn` is the version of the copy of the details it was made from. */
  async tryToChange(name: string, changes: Partial<UserDetails>, options: { basedOn?: number } = {}): Promise<void> {
    this.lastAnswer = await this.userdata.tryToChange(this.person(name).user.id, changes, options);
    this.logAnswer(name, `PATCH ${JSON.stringify(changes)}`, this.lastAnswer);
  }

  tryToRead(name: string): Promise<ApiResponse> {
    return this.userdata.tryToRead(this.person(name).user.id);
  }

  /** The details `name` had before their latest change: the copy they had read, now outdated. */
  detailsBeforeLatestChange(name: string): UserResource {
    const { previous } = this.person(name);
    if (!previous) throw new Error(`${name} has not changed their details in this scenario`);
    return previous;
  }

  /** What userdata holds for `name` now, read afresh. */
  detailsHeldFor(name: string): Promise<UserResource> {
    return this.userdata.get(this.person(name).user.id);
  }

  /** Reads `name`'s details afresh after something other than userdata's API changed them. */
  async reread(name: string): Promise<void> {
    const person = this.person(name);
    this.remember(person, await this.detailsHeldFor(name));
  }

  /** What userdata answered to the last registration or change a person only tried. */
  get answer(): ApiResponse {
    if (!this.lastAnswer) throw new Error('No one tried to register or change anything yet in this scenario');
    return this.lastAnswer;
  }

  /** Registers `count` people at once (Guest01, Guest02, …) and keeps them as the scenario's crowd. */
  async registerCrowd(count: number): Promise<Person[]> {
    const names = Array.from({ length: count }, (_, i) => `Guest${String(i + 1).padStart(2, '0')}`);
    this.crowd = await Promise.all(names.map((name) => this.register(name)));
    return this.crowd;
  }

  /**
   * Registers people (Guest1, Guest2, …) until at least one was created on each partition of the change topic,
   * and keeps them as the scenario's crowd: whatever holds up a partition would hold up one of them.
   */
  async registerOnEveryPartition(maxPeople = 150): Promise<Person[]> {
    const partitions = await this.changeFeed.partitionCount();
    const covered = new Set<number>();
    this.crowd = [];
    while (covered.size < partitions) {
      if (this.crowd.length >= maxPeople) {
        throw new Error(`${maxPeople} people registered, and partitions ${[...covered].sort()} only of ${partitions}`);
      }
      const names = Array.from({ length: partitions }, (_, i) => `Guest${this.crowd.length + i + 1}`);
      const people = await Promise.all(names.map((name) => this.register(name)));
      const created = await Promise.all(people.map(({ user }) => this.changeFeed.creationOf(user.id)));
      for (const record of created) covered.add(record.partition);
      this.crowd.push(...people);
    }
    return this.crowd;
  }

  /** Registers people called `name` until one's changes share the partition of `other`'s; that one is `name`. */
  async registerSharingPartitionWith(other: string, name: string, maxPeople = 150): Promise<Person> {
    const { partition } = await this.changeFeed.creationOf(this.person(other).user.id);
    for (let tries = 0; tries < maxPeople; tries++) {
      const person = await this.register(name);
      if ((await this.changeFeed.creationOf(person.user.id)).partition === partition) return person;
    }
    throw new Error(`None of ${maxPeople} people registered shares partition ${partition} with ${other}`);
  }

  person(name: string): Person {
    const person = this.byName.get(name);
    if (!person) throw new Error(`No one called ${name} was registered in this scenario`);
    return person;
  }

  /** Everyone registered in this scenario so far. */
  get everyone(): Person[] {
    return [...this.byName.values()];
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

  /** What userdata answered to each request made for `name` in this scenario, in order. */
  answersAbout(name: string): readonly string[] {
    return this.journal.get(name) ?? [];
  }

  private log(name: string, line: string): void {
    this.journal.set(name, [...(this.journal.get(name) ?? []), `${new Date().toISOString()} ${line}`]);
  }

  private logAnswer(name: string, request: string, answer: ApiResponse | Error): void {
    if (answer instanceof Error) {
      this.log(name, `${request} → no answer: ${answer.message}`);
      return;
    }
    const version = (answer.body as Partial<UserResource> | undefined)?.version;
    this.log(name, `${request} → ${answer.status}${version === undefined ? '' : `, version ${version}`}`);
  }

  private remember(person: Person, now: UserResource): void {
    const before = person.user;
    person.previous = before;
    person.user = now;
    if (now.email.toLowerCase() !== before.email.toLowerCase()) person.formerEmails.push(before.email);
  }
}

function firstDetails(name: string, details: Partial<UserDetails>): UserDetails {
  return { name, email: uniqueEmail(name), address: `${name}'s first address, 1`, ...details };
}
