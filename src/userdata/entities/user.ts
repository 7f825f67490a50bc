import { StaleVersion } from './errors';

/** A person whose data userdata keeps, as stored. */
export interface User {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly address: string;
  /** Incremented by every change: what optimistic concurrency compares (the API's ETag). */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What a person gives to register. */
export interface NewUser {
  readonly name: string;
  readonly email: string;
  readonly address: string;
}

/** The fields a person may change; absent fields stay as they are. */
export type UserChanges = Partial<NewUser>;

export const changeableFields = ['name', 'email', 'address'] as const;

/**
 * A condition on the version a change is based on: `undefined` means unconditional, otherwise the change applies
 * only while the user's current version is one of these.
 */
export type ExpectedVersions = readonly number[] | undefined;

/** Throws StaleVersion unless the user is at one of the expected versions (or no version is expected). */
export function assertExpectedVersion(user: User, expected: ExpectedVersions): void {
  if (expected !== undefined && !expected.includes(user.version)) throw new StaleVersion(user.id, user.version);
}

/** The fields whose value the changes would really change: an empty list means there is nothing to write. */
export function fieldsChangedBy(user: User, changes: UserChanges): (keyof NewUser)[] {
  return changeableFields.filter((field) => changes[field] !== undefined && changes[field] !== user[field]);
}

/** How many users one page may hold, and how many it holds when the client does not say. */
export const pageLimits = { default: 20, max: 100 } as const;

export interface PageRequest {
  /** The id of the last user of the previous page; the first page when absent. */
  readonly afterId?: number;
  readonly limit: number;
}

/** One page of users in id order, and where the next page starts (undefined on the last page). */
export interface UserPage {
  readonly users: readonly User[];
  readonly nextAfterId: number | undefined;
}
