import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { detailsUpdated } from '../support/specs/mailboxes';
import type { CdcWorld } from '../support/specs/world';

When(
  "a maintenance job touches {word}'s record without changing any of their details",
  async function (this: CdcWorld, name: string) {
    await this.maintenanceJob.touchRecordOf(name);
  },
);

Then("that change of {word}'s record is captured", async function (this: CdcWorld, name: string) {
  const record = await this.pipeline.captured(name, 'u', `the maintenance job's change of ${name}'s record`);
  const before = (record.value?.before ?? {}) as Record<string, unknown>;
  const after = (record.value?.after ?? {}) as Record<string, unknown>;
  const details = (row: Record<string, unknown>) => ({ name: row.name, email: row.email, address: row.address });
  assert.deepEqual(details(after), details(before), 'the captured change changed a detail of the person');
  assert.notEqual(after.updated_at, before.updated_at, 'the captured change is not the one of updated_at');
});

When("an unreadable record turns up among {word}'s changes", async function (this: CdcWorld, name: string) {
  await this.deadLetters.plantUnreadableRecordAmongChangesOf(name);
});

Then('the unreadable record is set aside as a dead letter, saying it is not JSON', async function (this: CdcWorld) {
  const letter = await this.deadLetters.ofUnreadableRecord();
  assert.equal(letter.value, '{not json', 'the dead letter does not carry the record as it was');
  assert.equal(letter.key, '{"id":999999}', 'the dead letter does not carry the key as it was');
  assert.match(letter.headers['dlq.error'] ?? '(no dlq.error header)', /not JSON/);
});

Then('the unreadable record was set aside only once', { timeout: 90_000 }, async function (this: CdcWorld) {
  await this.pipeline.untilCaughtUp();
  assert.equal(this.deadLetters.allOfUnreadableRecord().length, 1);
});

Given('everyone has received their welcome', async function (this: CdcWorld) {
  await this.mail.welcomeOfEach(this.people.everyone);
});

Given('the mail server is down', async function (this: CdcWorld) {
  await this.faults.mailServerGoesDown();
});

Then(
  'the emails about these changes cannot be delivered for now',
  { timeout: 30_000 },
  async function (this: CdcWorld) {
    await this.pipeline.untilDeliveryFailed(this.people.everyone);
  },
);

When('the mail server is back', async function (this: CdcWorld) {
  await this.faults.mailServerComesBack();
});

Given(
  '{int} people are registered and have received their welcome',
  { timeout: 60_000 },
  async function (this: CdcWorld, count: number) {
    await this.mail.welcomeOfEach(await this.people.registerCrowd(count));
  },
);

When('all of them move house at the same time', async function (this: CdcWorld) {
  await this.people.allMoveHouse(this.people.crowd);
});

When(
  'push-email crashes as soon as the first emails about the moves have arrived',
  { timeout: 30_000 },
  async function (this: CdcWorld) {
    const { crowd } = this.people;
    const emailed = () => this.mail.howManyReceived(crowd, detailsUpdated);
    const before = await this.faults.crashPushEmailWhen('people emailed about their move', emailed, 3);
    this.note(`push-email was killed when ${before} of ${crowd.length} people had been emailed.`);
    assert.ok(
      before < crowd.length,
      `push-email had emailed all ${crowd.length} people when it was killed: the crash missed the burst`,
    );
  },
);

When('push-email is started again', { timeout: 90_000 }, async function (this: CdcWorld) {
  await this.faults.restartPushEmail();
});

/**
 * The documented limit of push-email's guarantee: a crash after the mail server accepted an email and before the
 * delivery log recorded it sends that email again, with the same Message-ID. push-email handles up to
 * KAFKA_CONCURRENCY partitions at once, so as many emails can be in that window when it is killed. So each move must
 * have exactly one Message-ID of its own and one copy of it, except that up to that many moves may have two copies.
 */
Then(
  'in the end each of them has received exactly one email about their move, with a Message-ID of its own',
  { timeout: 90_000 },
  async function (this: CdcWorld) {
    await this.pipeline.untilCaughtUp();
    const problems: string[] = [];
    const resent: string[] = [];
    const owners = new Map<string, string>();
    for (const { name, user, previous } of this.people.crowd) {
      const others = this.mail.received(name).filter((m) => !detailsUpdated.matches(m));
      if (others.map((m) => m.subject).join() !== `Welcome, ${name}`) {
        problems.push(`${name}: other emails ${JSON.stringify(others.map((m) => m.subject))}`);
      }
      const updates = this.mail.received(name, detailsUpdated);
      const ids = [...new Set(updates.map((m) => m.messageId))];
      if (ids.length !== 1 || !ids[0]) {
        problems.push(`${name}: ${updates.length} update email(s) with Message-IDs ${JSON.stringify(ids)}`);
        continue;
      }
      const [id] = ids;
      const owner = owners.get(id);
      if (owner) problems.push(`${name}: the Message-ID ${id} is ${owner}'s too`);
      owners.set(id, name);
      const from = previous?.address ?? '?';
      if (!updates[0]?.text.includes(`Address: "${from}" → "${user.address}"`)) {
        problems.push(`${name}: the email does not show the move from "${from}" to "${user.address}"`);
      }
      if (updates.length === 2) resent.push(`${name} (${id})`);
      else if (updates.length > 2) problems.push(`${name}: ${updates.length} copies of ${id}`);
    }
    const inFlight = this.faults.pushEmailConcurrency;
    if (resent.length > inFlight) {
      problems.push(`${resent.length} moves were emailed twice (at most ${inFlight} may be): ${resent.join(', ')}`);
    } else if (resent.length > 0) {
      this.note(
        `${resent.length} email(s) sent twice with the same Message-ID, as documented for a crash between the mail ` +
          `server's acceptance and the delivery log's record (at most ${inFlight} in flight): ${resent.join(', ')}`,
      );
    }
    assert.deepEqual(problems, [], 'some people were not emailed exactly once about their move');
  },
);

Then(
  'people registered afterwards, on every partition of the change feed, are all welcomed',
  { timeout: 120_000 },
  async function (this: CdcWorld) {
    await this.mail.welcomeOfEach(await this.people.registerOnEveryPartition());
  },
);

Given("the mail server refuses {word}'s address for good", function (this: CdcWorld, name: string) {
  this.faults.mailServerRefusesForGood(this.people.mailbox(name));
});

Then(
  "{word}'s move is set aside as a dead letter, saying the mail server refused the recipient",
  async function (this: CdcWorld, name: string) {
    const letter = await this.deadLetters.ofLatestChangeOf(name);
    assert.deepEqual(
      ['dlq.reason', 'dlq.step', 'dlq.attempts', 'dlq.emails'].map((header) => letter.headers[header]),
      ['recipient-refused', 'send', '1', 'details-changed'],
    );
    assert.match(letter.headers['dlq.error'] ?? '(no dlq.error header)', /550/);
  },
);

Then(
  "the mail server was asked to take the email about {word}'s move only once",
  function (this: CdcWorld, name: string) {
    assert.equal(this.mail.timesRefused(name), 1, 'a refusal for good was tried again');
  },
);

When(
  "a maintenance job sets {word}'s email address to a list of {word}'s and {word}'s addresses",
  async function (this: CdcWorld, name: string, _same: string, other: string) {
    await this.maintenanceJob.setEmailOf(name, `${this.people.mailbox(name)}, ${this.people.mailbox(other)}`);
  },
);

Then(
  "{word}'s changed email address is set aside as a dead letter, saying it is not one plain address",
  async function (this: CdcWorld, name: string) {
    const letter = await this.deadLetters.ofLatestChangeOf(name);
    assert.equal(letter.headers['dlq.reason'], 'invalid-recipient');
    assert.equal(letter.headers['dlq.step'], 'policy');
  },
);

Given(
  "{word}'s move to {string} was set aside as a dead letter",
  async function (this: CdcWorld, name: string, address: string) {
    await this.people.change(name, { address });
    await this.deadLetters.ofLatestChangeOf(name);
  },
);

When("the mail server accepts {word}'s address again", function (this: CdcWorld, name: string) {
  this.faults.mailServerAcceptsAgain(this.people.mailbox(name));
});

When("an operator replays {word}'s dead letter, twice", async function (this: CdcWorld, _name: string) {
  await this.deadLetters.replayLastFound();
  await this.deadLetters.replayLastFound();
});
