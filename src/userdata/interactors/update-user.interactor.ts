import { UserNotFound } from '../entities/errors';
import type { User, UserChanges } from '../entities/user';
import type { UserRepository } from '../repositories/user-repository';

export class UpdateUser {
  constructor(private readonly users: UserRepository) {}

  async execute(id: number, changes: UserChanges): Promise<User> {
    const user = await this.users.update(id, changes);
    if (!user) throw new UserNotFound(id);
    return user;
  }
}
