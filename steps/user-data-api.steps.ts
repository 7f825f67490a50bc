import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { type MalformedRequest, malformedRequests } from '../support/drivers/malformed-requests';
import type { ProblemDocument } from '../support/drivers/userdata-client';
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
    const { previous } = this.people.person(name);
    await this.people.tryToChange(name, { name: newName }, { basedOn: previous?.version });
  },
);

When('{word} deletes their account', async function (this: CdcWorld, name: string) {
  await this.people.deleteAccountOf(name);
});

When('someone sends hundreds of malformed requests about {word}', async function (this: CdcWorld, name: string) {
  this.malformedAnswers = await this.userdata.answersTo(malformedRequests(this.people.person(name).user.id));
});

Then('{word} is told the email address is already in use', function (this: CdcWorld, _name: string) {
  assertProblem(this, 409);
  assert.equal((this.people.answer.body as ProblemDocument).code, 'EMAIL_ALREADY_IN_USE');
});

Then('{word} is told that the name and the email address are invalid', function (this: CdcWorld, _name: string) {
  const problem = assertProblem(this, 422);
  assert.deepEqual(problem.errors?.map((error) => error.field).sort(), ['email', 'name']);
});

Then('{word} is told their details changed meanwhile', function (this: CdcWorld, _name: string) {
  assertProblem(this, 412);
  assert.equal((this.people.answer.body as ProblemDocument).code, 'STALE_VERSION');
});

Then('each is refused with a problem document saying what is wrong', function (this: CdcWorld) {
  const wrong = this.malformedAnswers.filter(
    ({ status, contentType, body }) =>
      status < 400 ||
      status >= 500 ||
      contentType !== 'application/problem+json' ||
      (body as ProblemDocument).status !== status,
  );
  assert.ok(this.malformedAnswers.length >= 300, `only ${this.malformedAnswers.length} malformed requests were sent`);
  assert.deepEqual(
    wrong.map(({ request, status, body }) => `${request.description}: ${status} ${JSON.stringify(body).slice(0, 120)}`),
    [],
    'some malformed requests were not refused with a 4xx problem document',
  );
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
    assert.deepEqual(this.pipeline.operationsCapturedAbout(name), ['c'], `changes captured about ${name}`);
    assert.deepEqual(this.mail.subjectsReceivedBy(name), [`Welcome, ${name}`], `emails to ${name}`);
  },
);

Then(
  "the deletion of {word}'s account is captured, and {word} receives no other email",
  async function (this: CdcWorld, name: string, _again: string) {
    await this.pipeline.captured(name, 'd', `the deletion of ${name}'s account`);
    await this.pipeline.untilCaughtUp();
    // The delete is followed by its tombstone (a null value): push-email reads both and sends nothing.
    assert.deepEqual(this.pipeline.operationsCapturedAbout(name), ['c', 'd', 'tombstone']);
    assert.deepEqual(this.mail.subjectsReceivedBy(name), [`Welcome, ${name}`]);
  },
);

Then('no one was registered by them', async function (this: CdcWorld) {
  const emails = this.malformedAnswers.flatMap(({ request }) => emailIn(request));
  assert.deepEqual(this.pipeline.capturedWithAnyEmailOf(emails), [], 'a malformed request was captured as a change');
});

function assertProblem(world: CdcWorld, status: number): ProblemDocument {
  const response = world.people.answer;
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  assert.equal(response.contentType, 'application/problem+json');
  return response.body as ProblemDocument;
}

function emailIn(request: MalformedRequest): string[] {
  try {
    const body = JSON.parse(request.body ?? 'null') as { email?: unknown } | null;
    return typeof body?.email === 'string' ? [body.email] : [];
  } catch {
    return [];
  }
}
