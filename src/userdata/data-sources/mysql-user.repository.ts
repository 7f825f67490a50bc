import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { EmailAlreadyInUse } from '../entities/errors';
import type { NewUser, User, UserChanges } from '../entities/user';
import type { UserRepository } from '../repositories/user-repository';

interface UserRow extends RowDataPacket {
  id: number;
  name: string;
  email: string;
  address: string;
  created_at: Date;
  updated_at: Date;
}

const columns = 'id, name, email, address, created_at, updated_at';

/** Users in the `clients.users` table of MySQL or MariaDB; each write is one row change in the binlog. */
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

  async update(id: number, changes: UserChanges): Promise<User | undefined> {
    const fields = (['name', 'email', 'address'] as const).filter((field) => changes[field] !== undefined);
    if (fields.length > 0) {
      await this.pool
        .execute(`UPDATE users SET ${fields.map((field) => `${field} = ?`).join(', ')} WHERE id = ?`, [
          ...fields.map((field) => changes[field] as string),
          id,
        ])
        .catch(duplicateEmail(changes.email ?? ''));
    }
    return this.findById(id);
  }
}

function toUser(row: UserRow): User {
  return {
    id: Number(row.id),
    name: row.name,
    email: row.email,
    address: row.address,
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
