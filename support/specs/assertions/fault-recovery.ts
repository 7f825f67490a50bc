import assert from 'node:assert/strict';
import type { ApiResponse } from '../../drivers/userdata-client';
import type { ChangeStream, Move } from '../change-stream';
import { detailsUpdated, type Mailboxes } from '../mailboxes';

/**
 * After a fault in the middle of a stream of moves, and once the pipeline has caught up: each move userdata
 * accepted was emailed exactly once (one Message-ID; a second copy of it only within `atMostSentTwice`, the
 * documented bound of a push-email crash), and a move it refused was emailed only if the database nevertheless holds
 * it (`heldNow`: a COMMIT sent just before the fault, whose answer was lost; at most `atMostAppliedDespiteRefusal`).
 */
export function assertEveryAcceptedMoveEmailedOnce(
  stream: ChangeStream,
  mail: Mailboxes,
  heldNow: ReadonlyMap<string, string>,
  limits: {
    atMostSentTwice: number;
    atMostAppliedDespiteRefusal: number;
    note: (text: string) => void;
    /** Where the move was captured on the change topic, if it was: said of each move not emailed once. */
    whereCaptured: (move: Move) => string;
  },
): void {
  const problems: string[] = [];
  const sentTwice: string[] = [];
  const appliedDespiteRefusal: string[] = [];
  for (const move of stream.moves) {
    const emails = emailsAbout(move, mail);
    const ids = new Set(emails.map((email) => email.messageId));
    const accepted = stream.accepted.includes(move);
    const { name } = move.person;
    if (!accepted && emails.length === 0) continue;
    if (!accepted && heldNow.get(name) !== move.address) {
      problems.push(`${name}: emailed about a move userdata refused and the database does not hold`);
      continue;
    }
    if (!accepted) appliedDespiteRefusal.push(name);
    if (ids.size !== 1) {
      problems.push(`${name}: ${emails.length} email(s) with ${ids.size} Message-ID(s); ${limits.whereCaptured(move)}`);
    } else if (emails.length === 2) sentTwice.push(name);
    else if (emails.length > 2) problems.push(`${name}: ${emails.length} copies of one email`);
  }
  if (sentTwice.length > limits.atMostSentTwice) {
    problems.push(
      `${sentTwice.length} moves emailed twice (at most ${limits.atMostSentTwice}): ${sentTwice.join(', ')}`,
    );
  } else if (sentTwice.length > 0) {
    limits.note(
      `Sent twice with one Message-ID, within the bound of ${limits.atMostSentTwice}: ${sentTwice.join(', ')}`,
    );
  }
  if (appliedDespiteRefusal.length > limits.atMostAppliedDespiteRefusal) {
    problems.push(
      `${appliedDespiteRefusal.length} refused moves were applied (at most ${limits.atMostAppliedDespiteRefusal}): ` +
        appliedDespiteRefusal.join(', '),
    );
  } else if (appliedDespiteRefusal.length > 0) {
    limits.note(`Refused, yet applied by a COMMIT whose answer was lost: ${appliedDespiteRefusal.join(', ')}`);
  }
  limits.note(`${stream.accepted.length} moves accepted, ${stream.refused.length} refused.`);
  assert.deepEqual(problems, [], 'not every accepted move was emailed exactly once');
}

/** The emails a person received about this very move (its address is in the body). */
function emailsAbout({ person, address }: Move, mail: Mailboxes) {
  return mail.received(person.name, detailsUpdated).filter((email) => email.text.includes(`→ "${address}"`));
}

/** Nothing refused when the fault was not the database's or userdata's: the pipeline past them is asynchronous. */
export function assertNoneRefused(stream: ChangeStream): void {
  assert.deepEqual(
    stream.refused.map(({ person, answer }) => `${person.name}: ${describe(answer)}`),
    [],
    'userdata refused moves although its database was up',
  );
}

/**
 * While the database was away, userdata refused moves as a temporary condition: 503 problem+json with Retry-After,
 * code DATABASE_UNAVAILABLE, never a 500; and its /ready said it was not ready. At least one move was refused, or the
 * stream missed the outage.
 */
export function assertRefusedAsTemporarilyUnavailable(stream: ChangeStream, readiness: readonly ApiResponse[]): void {
  assert.ok(stream.refused.length > 0, 'no move was refused: the outage did not overlap the stream');
  const wrong = stream.refused.filter(({ answer }) => !isTemporarilyUnavailable(answer));
  assert.deepEqual(
    wrong.map(({ person, answer }) => `${person.name}: ${describe(answer)}`),
    [],
    'refusals that were not 503 problem+json DATABASE_UNAVAILABLE with Retry-After',
  );
  assert.ok(readiness.length > 0, "userdata's readiness was not asked during the outage");
  for (const answer of readiness) assert.ok(isServiceUnavailable(answer), `/ready answered ${describe(answer)}`);
}

function isTemporarilyUnavailable(answer: ApiResponse | Error | undefined): boolean {
  if (!isServiceUnavailable(answer)) return false;
  return (answer as ApiResponse & { body: { code?: string } }).body.code === 'DATABASE_UNAVAILABLE';
}

/** 503 problem+json saying when to try again. */
function isServiceUnavailable(answer: ApiResponse | Error | undefined): answer is ApiResponse {
  if (!answer || answer instanceof Error) return false;
  return (
    answer.status === 503 &&
    answer.contentType.startsWith('application/problem+json') &&
    Number(answer.headers.get('retry-after')) > 0
  );
}

function describe(answer: ApiResponse | Error | undefined): string {
  if (!answer) return 'no answer yet';
  if (answer instanceof Error) return `no answer (${answer.message})`;
  return `${answer.status} ${answer.contentType} ${JSON.stringify(answer.body)} retry-after=${answer.headers.get('retry-after')}`;
}
