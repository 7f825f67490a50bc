import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { problem } from './problem';

/** zValidator whose failures are problem+json documents naming each failing field. */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) {
  return zValidator(target, schema, (result, c) => {
    if (result.success) return;
    return problem(c, {
      type: '/problems/invalid-request',
      title: 'The request is invalid',
      status: 400,
      detail: `The ${target === 'json' ? 'body' : target} has ${result.error.issues.length} problem(s)`,
      errors: result.error.issues.map((issue) => ({
        field: issue.path.length > 0 ? issue.path.join('.') : target === 'json' ? '(body)' : target,
        message: issue.message,
      })),
    });
  });
}
