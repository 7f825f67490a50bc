import { randomUUID } from 'node:crypto';
import { type IWorldOptions, setWorldConstructor, World } from '@cucumber/cucumber';
import type { UserDetails, UserdataClient, UserResource } from '../drivers/userdata-client';
import type { Inbox, ReceivedMessage } from '../mail/inbox';
import { runningStack } from './stack-holder';

/** A person of a scenario: known by first name in the Gherkin, by a unique email in the system. */
export interface Person {
  readonly name: string;
  user: UserResource;
}

/** State of one scenario and the drivers its steps use. Nothing here is shared between scenarios. */
export class CdcWorld extends World {
  readonly userdata: UserdataClient;
  readonly inbox: Inbox;
  private readonly people = new Map<string, Person>();
  /** The email the last "receives" step found, for the steps that look into it. */
  lastEmail: ReceivedMessage | undefined;

  constructor(options: IWorldOptions) {
    super(options);
    const stack = runningStack();
    this.userdata = stack.userdata;
    this.inbox = stack.inbox;
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
