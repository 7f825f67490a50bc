import { UserNotFound } from '../entities/errors';
import type { ExpectedVersions, User, UserChanges } from '../entities/user';
import type { UserRepository } from '../repositories/user-repository';

/** Changes some or all of a user's fields, optionally only if the user is still at an expected version. */
export class UpdateUser {
  constructor(private readonly users: UserRepository) {}

  async execute(id: number, changes: UserChanges, expected?: ExpectedVersions): Promise<User> {
    const user = await this.users.update(id, changes, expected);
    if (!user) throw new UserNotFound(id);
    return user;
  }
}
