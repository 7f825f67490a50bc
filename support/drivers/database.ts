import mysql, { type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import type { Credentials } from '../components/environment';

export interface DatabaseAccess {
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly credentials: Credentials;
}

/** Moves `updated_at` on, later than before even within one millisecond: a row left as it was is not logged. */
const touchOne =
  'UPDATE users SET updated_at = GREATEST(CURRENT_TIMESTAMP(3), updated_at + INTERVAL 1000 MICROSECOND) WHERE id = ?';

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

  /**
   * Touches `updated_at` of each user with an UPDATE of its own, all in one transaction: as many row events in the
   * binlog, captured together or not at all, and no tracked field changed (no one is emailed).
   */
  async touchEachInOneTransaction(userIds: readonly number[]): Promise<void> {
    await this.withConnection(async (connection) => {
      await connection.beginTransaction();
      try {
        for (const userId of userIds) {
          const [result] = await connection.execute<ResultSetHeader>(touchOne, [userId]);
          if (result.affectedRows !== 1) throw new Error(`Touching user ${userId} changed ${result.affectedRows} rows`);
        }
        await connection.commit();
      } catch (error) {
        await connection.rollback();
        throw error;
      }
    });
  }

  /** The user's row as the database holds it now (the fields a change is about), or undefined when there is none. */
  async row(userId: number): Promise<Readonly<Record<string, unknown>> | undefined> {
    const rows = await this.run<RowDataPacket[]>('SELECT id, email, address, version FROM users WHERE id = ?', [
      userId,
    ]);
    return rows[0] ? { ...rows[0] } : undefined;
  }

  private async execute(sql: string, values: readonly (string | number)[]): Promise<number> {
    return (await this.run<ResultSetHeader>(sql, values)).affectedRows;
  }

  private run<T extends ResultSetHeader | RowDataPacket[]>(
    sql: string,
    values: readonly (string | number)[],
  ): Promise<T> {
    return this.withConnection(async (connection) => (await connection.execute<T>(sql, [...values]))[0]);
  }

  private async withConnection<T>(work: (connection: mysql.Connection) => Promise<T>): Promise<T> {
    const { host, port, name, credentials } = this.access;
    const connection = await mysql.createConnection({
      host,
      port,
      database: name,
      user: credentials.user,
      password: credentials.password,
      connectTimeout: 5_000,
    });
    try {
      return await work(connection);
    } finally {
      await connection.end();
    }
  }
}
