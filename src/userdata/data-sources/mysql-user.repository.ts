import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { DatabaseUnavailable, EmailAlreadyInUse } from '../entities/errors';
import {
  assertExpectedVersion,
  changeableFields,
  type ExpectedVersions,
  type NewUser,
  type PageRequest,
  type User,
  type UserChanges,
  type UserPage,
} from '../entities/user';
import type { UserRepository } from '../repositories/user-repository';

interface UserRow extends RowDataPacket {
  id: number;
  name: string;
  email: string;
  address: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const columns = 'id, name, email, address, version, created_at, updated_at';

/**
 * Users in the `clients.users` table of MySQL or MariaDB; each write is one statement, and one row change in the
 * binlog (none when nothing changed). A conditional write checks the version in the same statement, so the check and
 * the write are one atomic step.
 *
 * Each write runs in a transaction committed only once the write and its read-back have answered: a write whose
 * answer never came (the server was frozen, or went away) is never committed later, when the server reads what was
 * sent before its silence and then finds the connection gone. So a caller told "unavailable" was not changed, but in
 * one window: the COMMIT itself sent and its answer lost (at most one per pooled connection at the time of a fault).
 */
export class MySqlUserRepository implements UserRepository {
  /**
   * @param statementTimeoutMs how long one statement may take before it is abandoned (and its connection dropped)
   *   and the caller told the database is unavailable: a frozen or unreachable server answers no request forever.
   */
  constructor(
    private readonly pool: Pool,
    private readonly statementTimeoutMs = 5_000,
  ) {}

  /** Runs one statement; a failure to reach the server, or to hear from it in time, is DatabaseUnavailable. */
  private async run<T extends ResultSetHeader | RowDataPacket[]>(
    how: 'execute' | 'query',
    sql: string,
    values: readonly unknown[],
    on: Pool | PoolConnection = this.pool,
  ): Promise<T> {
    try {
      const options = { sql, timeout: this.statementTimeoutMs };
      const params = [...values] as (string | number)[];
      const [result] = how === 'execute' ? await on.execute<T>(options, params) : await on.query<T>(options, params);
      return result;
    } catch (error) {
      if (isUnreachable(error)) throw new DatabaseUnavailable({ cause: error });
      throw error;
    }
  }

  /**
   * Runs `work` in a transaction on one connection and commits it. Any failure rolls back; a connection that failed
   * to answer is destroyed, never handed back to the pool in an unknown state.
   */
  private async inTransaction<T>(work: (connection: PoolConnection) => Promise<T>): Promise<T> {
    const connection = await this.connection();
    try {
      await this.run('query', 'START TRANSACTION', [], connection);
      const result = await work(connection);
      await this.run('query', 'COMMIT', [], connection);
      connection.release();
      return result;
    } catch (error) {
      if (error instanceof DatabaseUnavailable) {
        connection.destroy();
      } else {
        await this.run('query', 'ROLLBACK', [], connection).then(
          () => connection.release(),
          () => connection.destroy(),
        );
      }
      throw error;
    }
  }

  private async connection(): Promise<PoolConnection> {
    try {
      return await this.pool.getConnection();
    } catch (error) {
      if (isUnreachable(error)) throw new DatabaseUnavailable({ cause: error });
      throw error;
    }
  }

  create(user: NewUser): Promise<User> {
    return this.inTransaction(async (connection) => {
      const result = await this.run<ResultSetHeader>(
        'execute',
        'INSERT INTO users (name, email, address) VALUES (?, ?, ?)',
        [user.name, user.email, user.address],
        connection,
      ).catch(duplicateEmail(user.email));
      const created = await this.findById(result.insertId, connection);
      if (!created) throw new Error(`user ${result.insertId} vanished right after its insert`);
      return created;
    });
  }

  async findById(id: number, on: Pool | PoolConnection = this.pool): Promise<User | undefined> {
    const rows = await this.run<UserRow[]>('execute', `SELECT ${columns} FROM users WHERE id = ?`, [id], on);
    return rows[0] && toUser(rows[0]);
  }

  async list({ afterId = 0, limit }: PageRequest): Promise<UserPage> {
    // One row more than asked tells whether a next page exists without a COUNT.
    const rows = await this.run<UserRow[]>('query', `SELECT ${columns} FROM users WHERE id > ? ORDER BY id LIMIT ?`, [
      afterId,
      limit + 1,
    ]);
    const users = rows.slice(0, limit).map(toUser);
    return { users, nextAfterId: rows.length > limit ? users.at(-1)?.id : undefined };
  }

  async update(id: number, changes: UserChanges, expected: ExpectedVersions): Promise<User | undefined> {
    const given = changeableFields.filter((field) => changes[field] !== undefined);
    if (given.length === 0) {
      const user = await this.findById(id);
      if (user) assertExpectedVersion(user, expected);
      return user;
    }
    const values = given.map((field) => changes[field] as string);
    // One statement checks the expected version, bumps the version only when a value really changes (compared byte
    // for byte, so a change of letter case counts), and writes: atomic without a transaction or a row lock held
    // across round trips. MySQL evaluates a single-table UPDATE's assignments left to right, so the IF sees the old
    // values.
    const unchanged = given.map((field) => `BINARY ${field} <=> BINARY ?`).join(' AND ');
    return this.inTransaction(async (connection) => {
      const result = await this.run<ResultSetHeader>(
        'execute',
        `UPDATE users SET version = IF(${unchanged}, version, version + 1), ${given
          .map((field) => `${field} = ?`)
          .join(', ')} WHERE id = ?${versionCondition(expected)}`,
        [...values, ...values, id, ...(expected ?? [])],
        connection,
      ).catch(duplicateEmail(changes.email ?? ''));
      const user = await this.findById(id, connection);
      // Nothing matched: no such user, or one at another version than expected.
      if (result.affectedRows === 0 && user) assertExpectedVersion(user, expected);
      return user;
    });
  }

  delete(id: number, expected: ExpectedVersions): Promise<boolean> {
    return this.inTransaction(async (connection) => {
      const result = await this.run<ResultSetHeader>(
        'execute',
        `DELETE FROM users WHERE id = ?${versionCondition(expected)}`,
        [id, ...(expected ?? [])],
        connection,
      );
      if (result.affectedRows > 0) return true;
      const user = await this.findById(id, connection);
      if (user) assertExpectedVersion(user, expected);
      return false;
    });
  }
}

/** `AND version IN (…)` for a conditional write; an empty list (only weak tags) matches no version. */
function versionCondition(expected: ExpectedVersions): string {
  if (expected === undefined) return '';
  return expected.length > 0 ? ` AND version IN (${expected.map(() => '?').join(', ')})` : ' AND FALSE';
}

function toUser(row: UserRow): User {
  return {
    id: Number(row.id),
    name: row.name,
    email: row.email,
    address: row.address,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function duplicateEmail(email: string): (error: unknown) => never {
  return (error) => {
    if ((error as { code?: string }).code === 'ER_DUP_ENTRY') throw new EmailAlreadyInUse(email);
    throw error;
  };
}

// mysql2's codes for a server that cannot be reached or stopped answering: refused, reset, dropped, timed out, full.
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
]);

function isUnreachable(error: unknown): boolean {
  const { code, fatal } = (error ?? {}) as { code?: string; fatal?: boolean };
  return (code !== undefined && unreachableCodes.has(code)) || (fatal === true && !code?.startsWith('ER_ACCESS'));
}
