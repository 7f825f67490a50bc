import { type DataTable, defineParameterType, Then } from '@cucumber/cucumber';
import {
  assertAddressedTo,
  assertHasReceivedExactly,
  assertListsAddress,
  assertMailboxesHaveReceivedExactly,
  assertShowsBothAsTyped,
  assertShowsChange,
  assertShowsEmailAddressChange,
  assertTellsOfEmailAddressChange,
  assertWelcomes,
} from '../support/specs/assertions/emails';
import {
  detailsUpdated,
  detailsUpdatedWhateverTheSubjectEnds,
  emailAddressChanged,
  welcome,
} from '../support/specs/mailboxes';
import type { CdcWorld } from '../support/specs/world';

/** Whose emails: `Ana` (the address Ana has now), `Ana's new address` (the same), `Ana's old address`. */
defineParameterType({ name: 'mailbox', regexp: /[A-Z]\w*(?:'s (?:old|new) address)?/, transformer: (text) => text });

Then('{word} receives a welcome email', async function (this: CdcWorld, name: string) {
  assertWelcomes(await this.mail.waitFor(name, welcome), this.people.person(name).user);
});

Then('{word} receives an email saying their details were updated', async function (this: CdcWorld, name: string) {
  assertAddressedTo(await this.mail.waitFor(name, detailsUpdated), this.people.mailbox(name));
});

Then(
  'that email shows the {word} changed from {string} to {string}',
  function (this: CdcWorld, detail: string, from: string, to: string) {
    assertShowsChange(this.mail.thatEmail, detail, from, to);
  },
);

Then('that email shows the email address changed from the old one to the new one', function (this: CdcWorld) {
  assertShowsEmailAddressChange(this.mail.thatEmail);
});

Then(
  '{word} receives an email showing both changed to {string}, exactly as typed',
  async function (this: CdcWorld, name: string, value: string) {
    const email = await this.mail.waitFor(name, detailsUpdatedWhateverTheSubjectEnds);
    assertShowsBothAsTyped(email, this.people.detailsBeforeLatestChange(name), value);
  },
);

Then('that email lists the address {string}', function (this: CdcWorld, address: string) {
  assertListsAddress(this.mail.thatEmail, address);
});

Then(
  "{word}'s old address is told that the email address was changed to the new one",
  async function (this: CdcWorld, name: string) {
    const email = await this.mail.waitFor(`${name}'s old address`, emailAddressChanged);
    assertTellsOfEmailAddressChange(email, this.people.mailbox(`${name}'s old address`), this.people.mailbox(name));
  },
);

/**
 * Exactly these emails, each once, and nothing else: once the pipeline has caught up, push-email has committed
 * every change captured so far, and commits only after the mail server accepted the email, so whatever was going to
 * arrive has arrived.
 */
Then(
  'in the end {mailbox} has received exactly these emails:',
  { timeout: 90_000 },
  async function (this: CdcWorld, mailbox: string, subjects: DataTable) {
    await this.pipeline.untilCaughtUp();
    assertHasReceivedExactly(this.mail, mailbox, subjects);
  },
);

Then(
  'in the end the mailboxes have received exactly these emails:',
  { timeout: 90_000 },
  async function (this: CdcWorld, table: DataTable) {
    await this.pipeline.untilCaughtUp();
    assertMailboxesHaveReceivedExactly(this.mail, table);
  },
);
