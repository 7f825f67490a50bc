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
