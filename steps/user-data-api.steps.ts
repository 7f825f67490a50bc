import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { malformedRequests } from '../support/drivers/malformed-requests';
import { assertOnlyCapturedAndWelcomed } from '../support/specs/assertions/captured-changes';
import {
  assertEachRefusedWithProblemDocument,
  assertNoOneRegisteredBy,
  assertRefusedForFields,
  assertRefusedWith,
} from '../support/specs/assertions/refusals';
import { welcome } from '../support/specs/mailboxes';
import type { CdcWorld } from '../support/specs/world';

When(
  "{word} tries to register with {word}'s email address in capitals",
  async function (this: CdcWorld, name: string, owner: string) {
    await this.people.tryToRegister(name, { email: this.people.mailbox(owner).toUpperCase() });
  },
);

When(
  '{word} tries to change their name to {string} and their email address to {string}',
  async function (this: CdcWorld, name: string, newName: string, email: string) {
    await this.people.tryToChange(name, { name: newName, email });
  },
);

Given(
  '{word} has moved to {string} since reading their details',
  async function (this: CdcWorld, name: string, address: string) {
    await this.people.change(name, { address });
  },
);

When(
  '{word} changes their name to {string} based on the details read before the move',
  async function (this: CdcWorld, name: string, newName: string) {
    const copy = this.people.detailsBeforeLatestChange(name);
    await this.people.tryToChange(name, { name: newName }, { basedOn: copy.version });
  },
);

When('{word} deletes their account', async function (this: CdcWorld, name: string) {
  await this.people.deleteAccountOf(name);
});

// Hundreds of requests, one after another: seconds on a loaded machine, more than cucumber's 5 s default.
When(
  'someone sends hundreds of malformed requests about {word}',
  { timeout: 60_000 },
  async function (this: CdcWorld, name: string) {
    this.malformedAnswers = await this.userdata.answersTo(malformedRequests(this.people.person(name).user.id));
  },
);

Then('{word} is told the email address is already in use', function (this: CdcWorld, _name: string) {
  assertRefusedWith(this.people.answer, 409, 'EMAIL_ALREADY_IN_USE');
});

Then('{word} is told that the name and the email address are invalid', function (this: CdcWorld, _name: string) {
  assertRefusedForFields(this.people.answer, 422, ['email', 'name']);
});

Then('{word} is told their details changed meanwhile', function (this: CdcWorld, _name: string) {
  assertRefusedWith(this.people.answer, 412, 'STALE_VERSION');
});

Then('each is refused with a problem document saying what is wrong', function (this: CdcWorld) {
  assertEachRefusedWithProblemDocument(this.malformedAnswers, 300);
});

Then("{word}'s details are as they were", async function (this: CdcWorld, name: string) {
  assert.deepEqual(await this.people.detailsHeldFor(name), this.people.person(name).user);
});

Then("{word}'s name is still {string}", async function (this: CdcWorld, name: string, expected: string) {
  assert.equal((await this.people.detailsHeldFor(name)).name, expected);
});

Then("{word}'s details can no longer be read", async function (this: CdcWorld, name: string) {
  assert.equal((await this.people.tryToRead(name)).status, 404);
});

Then("only one welcome email is sent to {word}'s address", async function (this: CdcWorld, name: string) {
  await this.pipeline.untilCaughtUp();
  assert.deepEqual(this.mail.subjectsReceivedBy(name, welcome), [`Welcome, ${name}`]);
});

Then(
  "no change of {word}'s is captured and {word} receives no other email",
  async function (this: CdcWorld, name: string, _again: string) {
    await this.pipeline.untilCaughtUp();
    assertOnlyCapturedAndWelcomed(this, name, ['c']);
  },
);

Then(
  "the deletion of {word}'s account is captured, and {word} receives no other email",
  async function (this: CdcWorld, name: string, _again: string) {
    await this.pipeline.captured(name, 'd', `the deletion of ${name}'s account`);
    await this.pipeline.untilCaughtUp();
    // The delete is followed by its tombstone (a null value): push-email reads both and sends nothing.
    assertOnlyCapturedAndWelcomed(this, name, ['c', 'd', 'tombstone']);
  },
);

Then('no one was registered by them', function (this: CdcWorld) {
  assertNoOneRegisteredBy(this.malformedAnswers, this.pipeline);
});
