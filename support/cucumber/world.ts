import { randomUUID } from 'node:crypto';
import { type IWorldOptions, setWorldConstructor, World } from '@cucumber/cucumber';
import type { ChangeFeed } from '../drivers/change-feed';
import type { MalformedRequest } from '../drivers/malformed-requests';
import type { ApiResponse, UserDetails, UserdataClient, UserResource } from '../drivers/userdata-client';
import type { Inbox, ReceivedMessage } from '../mail/inbox';
import { runningStack } from './stack-holder';

/** A person of a scenario: known by first name in the Gherkin, by a unique email in the system. */
export interface Person {
  readonly name: string;
  user: UserResource;
  /** The details as read before a later change, for the steps about outdated copies. */
  readBefore?: UserResource;
}

/** What userdata answered to one malformed request. */
export interface MalformedOutcome {
  readonly request: MalformedRequest;
  readonly status: number;
  readonly contentType: string;
  readonly body: unknown;
}

/** State of one scenario and the drivers its steps use. Nothing here is shared between scenarios. */
export class CdcWorld extends World {
  readonly userdata: UserdataClient;
  readonly inbox: Inbox;
  readonly changes: ChangeFeed;
  private readonly pushEmailGroupId: string;
  private readonly people = new Map<string, Person>();
  /** The email the last "receives" step found, for the steps that look into it. */
  lastEmail: ReceivedMessage | undefined;
  /** The answer to the last request a person tried that could be refused. */
  lastResponse: ApiResponse | undefined;
  malformed: MalformedOutcome[] = [];

  constructor(options: IWorldOptions) {
    super(options);
    const stack = runningStack();
    this.userdata = stack.userdata;
    this.inbox = stack.inbox;
    this.changes = stack.changes;
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
    const person = { name, user };
    this.people.set(name, person);
    return person;
  }

  async change(name: string, changes: Partial<UserDetails>): Promise<void> {
    const person = this.person(name);
    person.user = await this.userdata.change(person.user.id, changes);
  }

  /** Sends a request that may be refused, and keeps the answer for the steps that look at it. */
  async attempt(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse> {
    this.lastResponse = await this.userdata.request(method, path, body, headers);
    return this.lastResponse;
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
