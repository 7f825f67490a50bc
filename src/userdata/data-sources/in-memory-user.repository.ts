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

/**
 * For unit tests of interactors and HTTP routes: behaves as the MySQL repository does, in memory; the UserRepository
 * contract (support/service-tests/userdata/) runs against both. Emails compare as toLowerCase() makes them, while
 * MySQL's utf8mb4_unicode_ci also equates accents, widths, ignorable characters and trailing spaces: the API admits
 * only ASCII addresses without spaces, where the two agree.
 */
export class InMemoryUserRepository implements UserRepository {
  private readonly users = new Map<number, User>();
  private nextId = 1;

  constructor(private readonly now: () => Date = () => new Date()) {}

  async create(user: NewUser): Promise<User> {
    this.assertEmailFree(user.email);
    const now = this.now();
    const created: User = { ...pick(user), id: this.nextId++, version: 1, createdAt: now, updatedAt: now };
    this.users.set(created.id, created);
    return created;
  }

  async findById(id: number): Promise<User | undefined> {
    return this.users.get(id);
  }

  async list({ afterId = 0, limit }: PageRequest): Promise<UserPage> {
    const after = [...this.users.values()].filter((user) => user.id > afterId).sort((a, b) => a.id - b.id);
    const users = after.slice(0, limit);
    return { users, nextAfterId: after.length > limit ? users.at(-1)?.id : undefined };
  }

  async update(id: number, changes: UserChanges, expected: ExpectedVersions): Promise<User | undefined> {
    const user = this.users.get(id);
    if (!user) return undefined;
    assertExpectedVersion(user, expected);
    const fields = fieldsChangedBy(user, changes);
    if (fields.length === 0) return user;
    if (fields.includes('email')) this.assertEmailFree(changes.email ?? '', id);
    const updated: User = {
      ...user,
      ...Object.fromEntries(fields.map((field) => [field, changes[field]])),
      version: user.version + 1,
      updatedAt: this.now(),
    };
    this.users.set(id, updated);
    return updated;
  }

  async delete(id: number, expected: ExpectedVersions): Promise<boolean> {
    const user = this.users.get(id);
    if (!user) return false;
    assertExpectedVersion(user, expected);
    return this.users.delete(id);
  }

  /** Everything stored, for tests that assert nothing was written. */
  snapshot(): readonly User[] {
    return [...this.users.values()];
  }

  private assertEmailFree(email: string, exceptId?: number): void {
    for (const user of this.users.values()) {
      if (user.id !== exceptId && user.email.toLowerCase() === email.toLowerCase()) throw new EmailAlreadyInUse(email);
    }
  }
}

function pick(user: NewUser): NewUser {
  return { name: user.name, email: user.email, address: user.address };
}
