import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { type MalformedRequest, malformedRequests } from '../support/drivers/malformed-requests';
import type { ProblemDocument, UserResource } from '../support/drivers/userdata-client';
import type { CdcWorld } from '../support/specs/world';

When(
  "{word} tries to register with {word}'s email address in capitals",
  async function (this: CdcWorld, name: string, owner: string) {
    const email = this.person(owner).user.email.toUpperCase();
    this.lastResponse = await this.userdata.tryToRegister({ name, email, address: `${name}'s address, 1` });
  },
);

When(
  '{word} tries to change their name to {string} and their email address to {string}',
  async function (this: CdcWorld, name: string, newName: string, email: string) {
    this.lastResponse = await this.userdata.tryToChange(this.person(name).user.id, { name: newName, email });
  },
);

Given(
  '{word} has moved to {string} since reading their details',
  async function (this: CdcWorld, name: string, address: string) {
    const person = this.person(name);
    person.readBefore = person.user;
    await this.change(name, { address });
  },
);

When(
  '{word} changes their name to {string} based on the details read before the move',
  async function (this: CdcWorld, name: string, newName: string) {
    const { user, readBefore } = this.person(name);
    this.lastResponse = await this.userdata.tryToChange(user.id, { name: newName }, { basedOn: readBefore?.version });
  },
);

When('{word} deletes their account', async function (this: CdcWorld, name: string) {
  await this.userdata.delete(this.person(name).user.id);
});

When('someone sends hundreds of malformed requests about {word}', async function (this: CdcWorld, name: string) {
  this.malformed = await this.userdata.answersTo(malformedRequests(this.person(name).user.id));
});

Then('{word} is told the email address is already in use', function (this: CdcWorld, _name: string) {
  assertProblem(this, 409);
  assert.equal((this.response.body as ProblemDocument).code, 'EMAIL_ALREADY_IN_USE');
});

Then('{word} is told that the name and the email address are invalid', function (this: CdcWorld, _name: string) {
  const problem = assertProblem(this, 422);
  assert.deepEqual(problem.errors?.map((error) => error.field).sort(), ['email', 'name']);
});

Then('{word} is told their details changed meanwhile', function (this: CdcWorld, _name: string) {
  assertProblem(this, 412);
  assert.equal((this.response.body as ProblemDocument).code, 'STALE_VERSION');
});

Then('each is refused with a problem document saying what is wrong', function (this: CdcWorld) {
  const wrong = this.malformed.filter(
    ({ status, contentType, body }) =>
      status < 400 ||
      status >= 500 ||
      contentType !== 'application/problem+json' ||
      (body as ProblemDocument).status !== status,
  );
  assert.ok(this.malformed.length >= 300, `only ${this.malformed.length} malformed requests were sent`);
  assert.deepEqual(
    wrong.map(({ request, status, body }) => `${request.description}: ${status} ${JSON.stringify(body).slice(0, 120)}`),
    [],
    'some malformed requests were not refused with a 4xx problem document',
  );
});

Then("{word}'s details are as they were", async function (this: CdcWorld, name: string) {
  const { user } = this.person(name);
  assert.deepEqual(await this.userdata.get(user.id), user);
});

Then("{word}'s name is still {string}", async function (this: CdcWorld, name: string, expected: string) {
  assert.equal((await this.userdata.get(this.person(name).user.id)).name, expected);
});

Then("{word}'s details can no longer be read", async function (this: CdcWorld, name: string) {
  assert.equal((await this.userdata.tryToRead(this.person(name).user.id)).status, 404);
});

Then("only one welcome email is sent to {word}'s address", async function (this: CdcWorld, name: string) {
  await this.settle();
  const welcomes = this.inbox.messagesTo(this.person(name).user.email).filter((m) => m.subject.startsWith('Welcome'));
  assert.deepEqual(
    welcomes.map((m) => m.subject),
    [`Welcome, ${name}`],
  );
});

Then(
  "no change of {word}'s is captured and {word} receives no other email",
  async function (this: CdcWorld, name: string, _again: string) {
    await this.settle();
    const { user } = this.person(name);
    assert.deepEqual(opsAbout(this, user), ['c'], `changes captured about ${name}`);
    assert.deepEqual(subjectsTo(this, user), [`Welcome, ${name}`], `emails to ${name}`);
  },
);

Then(
  "the deletion of {word}'s account is captured, and {word} receives no other email",
  async function (this: CdcWorld, name: string, _again: string) {
    const { user } = this.person(name);
    await this.changes.waitFor(`the deletion of user ${user.id}`, (r) => r.userId === user.id && r.value?.op === 'd');
    await this.settle();
    // The delete is followed by its tombstone (a null value): push-email reads both and sends nothing.
    assert.deepEqual(opsAbout(this, user), ['c', 'd', 'tombstone']);
    assert.deepEqual(subjectsTo(this, user), [`Welcome, ${name}`]);
  },
);

Then('no one was registered by them', async function (this: CdcWorld) {
  const emails = new Set(this.malformed.flatMap(({ request }) => emailIn(request)).map((email) => email.toLowerCase()));
  const captured = [...emails].flatMap((email) => this.changes.withEmail(email));
  assert.deepEqual(captured, [], 'a malformed request was captured as a change');
});

function assertProblem(world: CdcWorld, status: number): ProblemDocument {
  const { response } = world;
  assert.equal(response.status, status, `expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  assert.equal(response.contentType, 'application/problem+json');
  return response.body as ProblemDocument;
}

function opsAbout(world: CdcWorld, user: UserResource): string[] {
  return world.changes.about(user.id).map((record) => record.value?.op ?? 'tombstone');
}

function subjectsTo(world: CdcWorld, user: UserResource): string[] {
  return world.inbox.messagesTo(user.email).map((message) => message.subject);
}

function emailIn(request: MalformedRequest): string[] {
  try {
    const body = JSON.parse(request.body ?? 'null') as { email?: unknown } | null;
    return typeof body?.email === 'string' ? [body.email] : [];
  } catch {
    return [];
  }
}
