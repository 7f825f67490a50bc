import { Given, When } from '@cucumber/cucumber';
import { uniqueEmail } from '../support/specs/people';
import type { CdcWorld } from '../support/specs/world';

Given('{word} is registered', async function (this: CdcWorld, name: string) {
  await this.people.register(name);
});

Given('{word} is registered, living at {string}', async function (this: CdcWorld, name: string, address: string) {
  await this.people.register(name, { address });
});

When('{word} registers, living at {string}', async function (this: CdcWorld, name: string, address: string) {
  await this.people.register(name, { address });
});

When('{word} moves to {string}', async function (this: CdcWorld, name: string, address: string) {
  await this.people.change(name, { address });
});

When('{word} changes their name to {string}', async function (this: CdcWorld, name: string, newName: string) {
  await this.people.change(name, { name: newName });
});

When('{word} changes their email address', async function (this: CdcWorld, name: string) {
  await this.people.change(name, { email: uniqueEmail(name) });
});

When(
  '{word} changes both their name and their address to {string}',
  async function (this: CdcWorld, name: string, value: string) {
    await this.people.change(name, { name: value, address: value });
  },
);

Given(
  '{word} is registered, sharing a partition of the change feed with {word}',
  { timeout: 60_000 },
  async function (this: CdcWorld, name: string, other: string) {
    await this.people.registerSharingPartitionWith(other, name);
  },
);
