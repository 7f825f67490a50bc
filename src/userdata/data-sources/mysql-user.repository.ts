import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { EmailAlreadyInUse } from '../entities/errors';
import {
  assertExpectedVersion,
  type ExpectedVersions,
  fieldsChangedBy,
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
 * Users in the `clients.users` table of MySQL or MariaDB; each write is one row change in the binlog. Conditional
 * writes lock the row (SELECT … FOR UPDATE) so that the version check and the write are one atomic step.
 */
export class MySqlUserRepository implements UserRepository {
  constructor(private readonly pool: Pool) {}

  async create(user: NewUser): Promise<User> {
    const [result] = await this.pool
      .execute<ResultSetHeader>('INSERT INTO users (name, email, address) VALUES (?, ?, ?)', [
        user.name,
        user.email,
        user.address,
      ])
      .catch(duplicateEmail(user.email));
    const created = await this.findById(result.insertId);
    if (!created) throw new Error(`user ${result.insertId} vanished right after its insert`);
    return created;
  }

  async findById(id: number): Promise<User | undefined> {
    const [rows] = await this.pool.execute<UserRow[]>(`SELECT ${columns} FROM users WHERE id = ?`, [id]);
    return rows[0] && toUser(rows[0]);
  }

  async list({ afterId = 0, limit }: PageRequest): Promise<UserPage> {
    // One row more than asked tells whether a next page exists without a COUNT.
    const [rows] = await this.pool.query<UserRow[]>(`SELECT ${columns} FROM users WHERE id > ? ORDER BY id LIMIT ?`, [
      afterId,
      limit + 1,
    ]);
    const users = rows.slice(0, limit).map(toUser);
    return { users, nextAfterId: rows.length > limit ? users.at(-1)?.id : undefined };
  }

  update(id: number, changes: UserChanges, expected: ExpectedVersions): Promise<User | undefined> {
    return this.inTransaction(async (connection) => {
      const user = await lockUser(connection, id);
      if (!user) return undefined;
      assertExpectedVersion(user, expected);
      const fields = fieldsChangedBy(user, changes);
      if (fields.length === 0) return user;
      await connection
        .execute(
          `UPDATE users SET ${fields.map((field) => `${field} = ?`).join(', ')}, version = version + 1 WHERE id = ?`,
          [...fields.map((field) => changes[field] as string), id],
        )
        .catch(duplicateEmail(changes.email ?? ''));
      return lockUser(connection, id);
    });
  }

  delete(id: number, expected: ExpectedVersions): Promise<boolean> {
    return this.inTransaction(async (connection) => {
      const user = await lockUser(connection, id);
      if (!user) return false;
      assertExpectedVersion(user, expected);
      await connection.execute('DELETE FROM users WHERE id = ?', [id]);
      return true;
    });
  }

  private async inTransaction<T>(work: (connection: PoolConnection) => Promise<T>): Promise<T> {
    const connection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      const result = await work(connection);
      await connection.commit();
      return result;
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }
}

async function lockUser(connection: PoolConnection, id: number): Promise<User | undefined> {
  const [rows] = await connection.execute<UserRow[]>(`SELECT ${columns} FROM users WHERE id = ? FOR UPDATE`, [id]);
  return rows[0] && toUser(rows[0]);
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
