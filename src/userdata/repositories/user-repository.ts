import type { ExpectedVersions, NewUser, PageRequest, User, UserChanges, UserPage } from '../entities/user';

/**
 * Where users are kept. Implementations throw EmailAlreadyInUse when an email is taken (whatever its letter case)
 * and StaleVersion when a condition on the version does not hold; either way nothing is written. DatabaseUnavailable
 * says the store could not be reached (or did not answer in time): the caller may try again.
 */
export interface UserRepository {
  create(user: NewUser): Promise<User>;
  findById(id: number): Promise<User | undefined>;
  /** Users with an id greater than `afterId`, in id order: a stable order that pages never skip or repeat. */
  list(page: PageRequest): Promise<UserPage>;
  /**
   * Applies the changes and returns the user as stored, or undefined when no user has that id. A change that
   * changes nothing writes nothing (no new version, no change event).
   */
  update(id: number, changes: UserChanges, expected: ExpectedVersions): Promise<User | undefined>;
  /** Removes the user; false when no user has that id. */
  delete(id: number, expected: ExpectedVersions): Promise<boolean>;
}
