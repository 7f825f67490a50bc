import { EmailAlreadyInUse } from '../entities/errors';
import type { NewUser, User, UserChanges } from '../entities/user';
import type { UserRepository } from '../repositories/user-repository';

/** For unit tests of interactors and HTTP routes: behaves as the MySQL repository does, in memory. */
export class InMemoryUserRepository implements UserRepository {
  private readonly users = new Map<number, User>();
  private nextId = 1;

  constructor(private readonly now: () => Date = () => new Date()) {}

  async create(user: NewUser): Promise<User> {
    this.assertEmailFree(user.email);
    const now = this.now();
    const created: User = { ...user, id: this.nextId++, createdAt: now, updatedAt: now };
    this.users.set(created.id, created);
    return created;
  }

  async findById(id: number): Promise<User | undefined> {
    return this.users.get(id);
  }

  async update(id: number, changes: UserChanges): Promise<User | undefined> {
    const user = this.users.get(id);
    if (!user) return undefined;
    if (changes.email !== undefined) this.assertEmailFree(changes.email, id);
    const updated = { ...user, ...definedOnly(changes) };
    const changed = (['name', 'email', 'address'] as const).some((field) => updated[field] !== user[field]);
    const stored = changed ? { ...updated, updatedAt: this.now() } : user;
    this.users.set(id, stored);
    return stored;
  }

  private assertEmailFree(email: string, exceptId?: number): void {
    for (const user of this.users.values()) {
      if (user.id !== exceptId && user.email.toLowerCase() === email.toLowerCase()) throw new EmailAlreadyInUse(email);
    }
  }
}

function definedOnly(changes: UserChanges): UserChanges {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
}
