import type { Email } from '../entities/email';

/** Hands an email to a mail server; resolves once the server has accepted it, rejects otherwise. */
export interface EmailSender {
  send(email: Email): Promise<void>;
}
