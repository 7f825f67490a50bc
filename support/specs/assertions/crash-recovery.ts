import assert from 'node:assert/strict';
import { detailsUpdated, type Mailboxes } from '../mailboxes';
import type { Person } from '../people';

/** push-email was killed while the burst was under way: some, not all, of the crowd had been emailed. */
export function assertCrashCameMidBurst(emailedBefore: number, crowdSize: number, note: (text: string) => void): void {
  note(`push-email was killed when ${emailedBefore} of ${crowdSize} people had been emailed.`);
  assert.ok(
    emailedBefore < crowdSize,
    `push-email had emailed all ${crowdSize} people when it was killed: the crash missed the burst`,
  );
}

/**
 * After a crash in the middle of a burst of moves, each person of the crowd has their welcome, and about their move
 * exactly one email with a Message-ID no one else's email has, showing the move from the address before it.
 *
 * The documented limit of push-email's guarantee: a crash after the mail server accepted an email and before the
 * delivery log recorded it sends that email again, with the same Message-ID. push-email records a batch's emails
 * once they are all accepted (KAFKA_BATCH_SIZE records of each of KAFKA_CONCURRENCY partitions), so as many can be
 * in that window when it is killed. So up to
 * `atMostSentTwice` moves may have a second copy of their one email (noted, as it is allowed); never a third, never
 * a second Message-ID. Every person who falls short is listed in the failure.
 */
export function assertEachEmailedOnceAboutTheirMove(
  crowd: readonly Person[],
  mail: Mailboxes,
  { atMostSentTwice, note }: { readonly atMostSentTwice: number; readonly note: (text: string) => void },
): void {
  const problems: string[] = [];
  const sentTwice: string[] = [];
  const owners = new Map<string, string>();
  for (const person of crowd) {
    const { name, messageId, copies } = checkOnePerson(person, mail, problems);
    if (!messageId) continue;
    const owner = owners.get(messageId);
    if (owner) problems.push(`${name}: the Message-ID ${messageId} is ${owner}'s too`);
    owners.set(messageId, name);
    if (copies === 2) sentTwice.push(`${name} (${messageId})`);
    else if (copies > 2) problems.push(`${name}: ${copies} copies of ${messageId}`);
  }
  if (sentTwice.length > atMostSentTwice) {
    problems.push(
      `${sentTwice.length} moves were emailed twice (at most ${atMostSentTwice} may be): ${sentTwice.join(', ')}`,
    );
  } else if (sentTwice.length > 0) {
    note(
      `${sentTwice.length} email(s) sent twice with the same Message-ID, as documented for a crash between the mail ` +
        `server's acceptance and the delivery log's record (at most ${atMostSentTwice} in flight): ${sentTwice.join(', ')}`,
    );
  }
  assert.deepEqual(problems, [], 'some people were not emailed exactly once about their move');
}

/**
 * One person's mailbox: their welcome and nothing else besides the emails about their move, which all carry one
 * Message-ID and show the move. Adds what is wrong to `problems`; says the Message-ID (undefined when there is not
 * exactly one) and how many copies of it arrived.
 */
function checkOnePerson(
  { name, user, previous }: Person,
  mail: Mailboxes,
  problems: string[],
): { name: string; messageId: string | undefined; copies: number } {
  const others = mail.received(name).filter((message) => !detailsUpdated.matches(message));
  if (others.map((message) => message.subject).join() !== `Welcome, ${name}`) {
    problems.push(`${name}: other emails ${JSON.stringify(others.map((message) => message.subject))}`);
  }
  const updates = mail.received(name, detailsUpdated);
  const ids = [...new Set(updates.map((message) => message.messageId))];
  const [messageId] = ids;
  if (ids.length !== 1 || !messageId) {
    problems.push(`${name}: ${updates.length} update email(s) with Message-IDs ${JSON.stringify(ids)}`);
    return { name, messageId: undefined, copies: updates.length };
  }
  const from = previous?.address ?? '?';
  if (!updates[0]?.text.includes(`Address: "${from}" → "${user.address}"`)) {
    problems.push(`${name}: the email does not show the move from "${from}" to "${user.address}"`);
  }
  return { name, messageId, copies: updates.length };
}
