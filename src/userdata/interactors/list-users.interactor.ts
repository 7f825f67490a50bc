import { type PageRequest, pageLimits, type UserPage } from '../entities/user';
import type { UserRepository } from '../repositories/user-repository';

/** A page of users in a stable order; a page never holds more than the cap, whatever is asked. */
export class ListUsers {
  constructor(private readonly users: UserRepository) {}

  execute(page: Partial<PageRequest> = {}): Promise<UserPage> {
    const limit = Math.min(Math.max(1, page.limit ?? pageLimits.default), pageLimits.max);
    return this.users.list({ ...(page.afterId === undefined ? {} : { afterId: page.afterId }), limit });
  }
}
