import type { NewUser, User, UserChanges } from '../entities/user';

/** Where users are kept. Implementations throw EmailAlreadyInUse when an email is taken. */
export interface UserRepository {
  create(user: NewUser): Promise<User>;
  findById(id: number): Promise<User | undefined>;
  /** Applies the changes and returns the user as stored, or undefined when no user has that id. */
  update(id: number, changes: UserChanges): Promise<User | undefined>;
}
