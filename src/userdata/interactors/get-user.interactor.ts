import { UserNotFound } from '../entities/errors';
import type { User } from '../entities/user';
import type { UserRepository } from '../repositories/user-repository';

export class GetUser {
  constructor(private readonly users: UserRepository) {}

  async execute(id: number): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFound(id);
    return user;
  }
}
