import { DeliveryFailure } from './delivery-failure';

// One plain address, local@domain: nothing a mail library could read as a display name, a group or a list (no
// spaces, commas, semicolons, quotes, angle brackets, parentheses or control characters), at most 254 characters.
const plainAddress = /^[^\s@,;:<>()[\]"\\\p{Cc}]+@[^\s@,;:<>()[\]"\\\p{Cc}]+$/u;

/**
 * The address an email goes to, as a recipient and nothing more. Rows come from the database, where anyone with SQL
 * access can write them, so the address is checked here as well as in userdata: a value such as
 * `a@example.test, b@example.test` must never reach a second person.
 */
export function recipientAddress(address: string): string {
  if (address.length <= 254 && plainAddress.test(address)) return address;
  throw new DeliveryFailure(
    'invalid-recipient',
    'policy',
    `not one plain email address: ${JSON.stringify(address.slice(0, 300))}`,
  );
}
