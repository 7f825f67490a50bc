import { z } from '@hono/zod-openapi';
import { pageLimits } from '../../entities/user';

/**
 * Text a person types into one line: no control characters (a line break in a name would let it forge email
 * headers downstream) and well-formed Unicode (a lone surrogate cannot be stored as utf8mb4).
 */
// Without the u flag a regex sees UTF-16 code units, so it can find half of a surrogate pair standing alone.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !/\p{Cc}/u.test(text), 'must not contain control characters such as line breaks')
    .refine((text) => !loneSurrogate.test(text), 'must be well-formed Unicode');

const name = line(200).openapi({ example: 'Ana Souza' });
const email = z.email().max(254).openapi({ example: 'ana@example.com', description: 'Unique, whatever its case' });
const address = line(500).openapi({ example: 'Rua das Flores, 10' });

/** Unknown fields are refused rather than ignored: a typo must not pass silently as "nothing changed". */
export const NewUserSchema = z.strictObject({ name, email, address }).openapi('NewUser');

export const UserChangesSchema = z
  .strictObject({ name: name.optional(), email: email.optional(), address: address.optional() })
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), {
    message: 'at least one of name, email, address is required',
  })
  .openapi('UserChanges');

export const UserSchema = z
  .object({
    id: z.number().int().positive().openapi({ example: 1 }),
    name: z.string(),
    email: z.string(),
    address: z.string(),
    version: z.number().int().positive().openapi({ description: 'Incremented by every change; the ETag' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('User');

export const UserPageSchema = z
  .object({
    users: z.array(UserSchema),
    next: z
      .string()
      .nullable()
      .openapi({ description: 'The URL of the next page; null on the last page', example: '/users?after=20&limit=20' }),
  })
  .openapi('UserPage');

const positiveId = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer')
  .transform(Number);

export const UserIdParamSchema = z.object({
  id: positiveId.openapi({ param: { name: 'id', in: 'path' }, type: 'integer', example: '1' }),
});

export const PageQuerySchema = z.strictObject({
  after: positiveId
    .optional()
    .openapi({ param: { name: 'after', in: 'query' }, type: 'integer', description: 'Id of the last user seen' }),
  limit: z
    .string()
    .regex(/^[0-9]{1,4}$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(1).max(pageLimits.max))
    .optional()
    .openapi({
      param: { name: 'limit', in: 'query' },
      type: 'integer',
      description: `Users per page, 1 to ${pageLimits.max} (default ${pageLimits.default})`,
    }),
});

export const IfMatchHeaderSchema = z.object({
  'if-match': z
    .string()
    .optional()
    .openapi({
      param: { name: 'if-match', in: 'header' },
      description: 'The ETag of the version this change is based on; a stale one gets 412 and changes nothing',
      example: '"3"',
    }),
});

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.string().optional().openapi({ description: 'A stable code for domain errors, such as STALE_VERSION' }),
    requestId: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'For invalid input: one entry per failing field, by its path in the request' }),
  })
  .openapi('Problem');

export const HealthSchema = z.object({ status: z.enum(['ok', 'unavailable']) }).openapi('Health');
