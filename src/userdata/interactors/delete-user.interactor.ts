import { UserNotFound } from '../entities/errors';
import type { ExpectedVersions } from '../entities/user';
import type { UserRepository } from '../repositories/user-repository';

/** Removes a user, optionally only if the user is still at an expected version. */
export class DeleteUser {
  constructor(private readonly users: UserRepository) {}

  async execute(id: number, expected?: ExpectedVersions): Promise<void> {
    if (!(await this.users.delete(id, expected))) throw new UserNotFound(id);
  }
}
