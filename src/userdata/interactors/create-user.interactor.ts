import type { NewUser, User } from '../entities/user';
import type { UserRepository } from '../repositories/user-repository';

export class CreateUser {
  constructor(private readonly users: UserRepository) {}

  execute(user: NewUser): Promise<User> {
    return this.users.create(user);
  }
}
