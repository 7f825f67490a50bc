import mysql, { type ResultSetHeader } from 'mysql2/promise';
import type { Credentials } from '../components/environment';

export interface DatabaseAccess {
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly credentials: Credentials;
}

/**
 * Works on the users table directly, as a maintenance job of the database would, under userdata's own account:
 * for the changes that userdata's API never makes.
 */
export class DatabaseMaintenance {
  constructor(private readonly access: DatabaseAccess) {}

  /** Sets only the bookkeeping column `updated_at` of one user: a change of the row, but of no tracked field. */
  async touch(userId: number): Promise<void> {
    const affected = await this.execute('UPDATE users SET updated_at = CURRENT_TIMESTAMP(3) WHERE id = ?', [userId]);
    if (affected !== 1) throw new Error(`Touching user ${userId} changed ${affected} rows, not 1`);
  }

  /** Writes an email address straight into a user's row, past userdata's validation, as SQL access allows. */
  async setEmail(userId: number, email: string): Promise<void> {
    const affected = await this.execute('UPDATE users SET email = ?, version = version + 1 WHERE id = ?', [
      email,
      userId,
    ]);
    if (affected !== 1) throw new Error(`Setting the email of user ${userId} changed ${affected} rows, not 1`);
  }

  private async execute(sql: string, values: readonly (string | number)[]): Promise<number> {
    const { host, port, name, credentials } = this.access;
    const connection = await mysql.createConnection({
      host,
      port,
      database: name,
      user: credentials.user,
      password: credentials.password,
    });
    try {
      const [result] = await connection.execute<ResultSetHeader>(sql, [...values]);
      return result.affectedRows;
    } finally {
      await connection.end();
    }
  }
}
