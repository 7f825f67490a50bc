import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { assertChangesNoDetail } from '../support/specs/assertions/captured-changes';
import {
  assertCrashCameMidBurst,
  assertEachEmailedOnceAboutTheirMove,
} from '../support/specs/assertions/crash-recovery';
import { assertSetAsideAs } from '../support/specs/assertions/dead-letters';
import { unreadableRecord } from '../support/specs/dead-letter-queue';
import { detailsUpdated } from '../support/specs/mailboxes';
import type { CdcWorld } from '../support/specs/world';

When(
  "a maintenance job touches {word}'s record without changing any of their details",
  async function (this: CdcWorld, name: string) {
    await this.maintenanceJob.touchRecordOf(name);
  },
);

Then("that change of {word}'s record is captured", async function (this: CdcWorld, name: string) {
  assertChangesNoDetail(await this.pipeline.captured(name, 'u', `the maintenance job's change of ${name}'s record`));
});

When("an unreadable record turns up among {word}'s changes", async function (this: CdcWorld, name: string) {
  await this.deadLetters.plantUnreadableRecordAmongChangesOf(name);
});

Then('the unreadable record is set aside as a dead letter, saying it is not JSON', async function (this: CdcWorld) {
  assertSetAsideAs(await this.deadLetters.ofUnreadableRecord(), { record: unreadableRecord, error: /not JSON/ });
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
    const emailed = () => this.mail.howManyReceived(this.people.crowd, detailsUpdated);
    const before = await this.faults.crashPushEmailWhen('people emailed about their move', emailed, 3);
    assertCrashCameMidBurst(before, this.people.crowd.length, this.note);
  },
);

When('push-email is started again', { timeout: 90_000 }, async function (this: CdcWorld) {
  await this.faults.restartPushEmail();
});

Then(
  'in the end each of them has received exactly one email about their move, with a Message-ID of its own',
  { timeout: 90_000 },
  async function (this: CdcWorld) {
    await this.pipeline.untilCaughtUp();
    const limits = { atMostSentTwice: this.faults.pushEmailDuplicateWindow, note: this.note };
    assertEachEmailedOnceAboutTheirMove(this.people.crowd, this.mail, limits);
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
    assertSetAsideAs(letter, {
      reason: 'recipient-refused',
      step: 'send',
      attempts: 1,
      emails: 'details-changed',
      error: /550/,
    });
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
    assertSetAsideAs(await this.deadLetters.ofLatestChangeOf(name), { reason: 'invalid-recipient', step: 'policy' });
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
