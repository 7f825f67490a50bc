import type { DatabaseMaintenance } from '../drivers/database';
import type { Move } from './change-stream';
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

  /**
   * Gives each person a new address, all in one transaction (one UPDATE each, so one row event each in the binlog),
   * as a bulk correction of addresses would; returns the moves.
   */
  async moveAllInOneTransaction(people: readonly Person[]): Promise<Move[]> {
    const moves = people.map((person) => ({
      person,
      address: `${person.name}'s corrected address, ${person.user.id}`,
    }));
    await this.database.moveAllInOneTransaction(
      moves.map(({ person, address }) => ({ userId: person.user.id, address })),
    );
    for (const { person } of moves) await this.people.reread(person.name);
    return moves;
  }

  /** Writes an email address straight into `name`'s row, past userdata's validation. */
  async setEmailOf(name: string, email: string): Promise<void> {
    await this.database.setEmail(this.people.person(name).user.id, email);
    await this.people.reread(name);
  }
}
