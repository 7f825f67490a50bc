/** An expected failure of a use case, with a stable code that the transport maps to a response. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export class UserNotFound extends DomainError {
  readonly code = 'USER_NOT_FOUND';
  constructor(readonly userId: number) {
    super(`No user has id ${userId}`);
  }
}

export class EmailAlreadyInUse extends DomainError {
  readonly code = 'EMAIL_ALREADY_IN_USE';
  constructor(readonly email: string) {
    super(`Another user already has the email address ${email}`);
  }
}

/**
 * The database cannot be reached for now (refused, dropped or timed out): nothing is known to be written, and the
 * same request may succeed in a moment.
 */
export class DatabaseUnavailable extends DomainError {
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor(options?: { cause?: unknown }) {
    super('The database cannot be reached for now: try again shortly', options);
  }
}

/** The change was based on a version of the user that is no longer the current one: nothing was changed. */
export class StaleVersion extends DomainError {
  readonly code = 'STALE_VERSION';
  constructor(
    readonly userId: number,
    readonly currentVersion: number,
  ) {
    super(`User ${userId} changed meanwhile (now at version ${currentVersion}): read it again, then retry`);
  }
}
