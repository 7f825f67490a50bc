import type { DatabaseMaintenance } from '../drivers/database';
import type { People, Person } from './people';

/** A job that works on the users table by SQL, past userdata: for the changes userdata's API never makes. */
export class MaintenanceJob {
  constructor(
    private readonly database: DatabaseMaintenance,
    private readonly people: People,
  ) {}

  /** Changes only `updated_at` of `name`'s row, no tracked field: a change of the record, of none of the details. */
  async touchRecordOf(name: string): Promise<void> {
    await this.database.touch(this.people.person(name).user.id);
  }

  /** Touches the record of each of `people` (no detail changed), all in one transaction of one UPDATE each. */
  async touchEachInOneTransaction(people: readonly Person[]): Promise<void> {
    await this.database.touchEachInOneTransaction(people.map(({ user }) => user.id));
  }

  /** Writes an email address straight into `name`'s row, past userdata's validation. */
  async setEmailOf(name: string, email: string): Promise<void> {
    await this.database.setEmail(this.people.person(name).user.id, email);
    await this.people.reread(name);
  }
}
