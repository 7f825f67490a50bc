import mysql from 'mysql2/promise';
import type { Credentials } from '../components/environment';

export interface OperatorAccess {
  readonly host: string;
  readonly port: number;
  /** The database the migrator works on. */
  readonly name: string;
  /** May change other users' passwords, as a DBA. */
  readonly operator: Credentials;
  /** userdata's migrator: may change the schema of userdata's database. */
  readonly migrator: Credentials;
}

/**
 * What operators do to the database under a running pipeline: a DBA changing an account's password, a migration
 * changing the users table. Each under its own least-privilege account.
 */
export class DatabaseOperator {
  constructor(private readonly access: OperatorAccess) {}

  /**
   * Sets `user`'s password, whichever host its account names (127.0.0.1 for local processes, '%' in containers).
   */
  async setPasswordOf(user: string, password: string): Promise<void> {
    await this.run(
      this.access.operator,
      'ALTER USER IF EXISTS ?@? IDENTIFIED BY ?, ?@? IDENTIFIED BY ?',
      [user, '127.0.0.1', password, user, '%', password],
      false,
    );
  }

  /** Adds a nullable column to userdata's users table, as a migration of the schema would, rows left as they are. */
  async addNullableColumn(column: string): Promise<void> {
    await this.run(this.access.migrator, `ALTER TABLE users ADD COLUMN ${mysql.escapeId(column)} VARCHAR(64) NULL`);
  }

  async dropColumn(column: string): Promise<void> {
    await this.run(this.access.migrator, `ALTER TABLE users DROP COLUMN ${mysql.escapeId(column)}`);
  }

  private async run(who: Credentials, sql: string, values: readonly string[] = [], inDatabase = true): Promise<void> {
    const { host, port, name } = this.access;
    const connection = await mysql.createConnection({
      host,
      port,
      user: who.user,
      password: who.password,
      ...(inDatabase ? { database: name } : {}),
    });
    try {
      await connection.query(sql, [...values]);
    } finally {
      await connection.end();
    }
  }
}
