import { z } from 'zod';

const name = z.string().trim().min(1).max(200);
const email = z.email().max(254);
const address = z.string().trim().min(1).max(500);

/** Unknown fields are refused rather than ignored: a typo must not pass silently as "nothing changed". */
export const newUserSchema = z.strictObject({ name, email, address });

export const userChangesSchema = z
  .strictObject({ name: name.optional(), email: email.optional(), address: address.optional() })
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), {
    message: 'at least one of name, email, address is required',
  });

export const userIdSchema = z.object({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer')
    .transform(Number),
});
