import type { Hook } from '@hono/zod-openapi';
import { invalidRequest } from './problem';

/**
 * What a failed schema validation answers: 422 for a JSON body that parsed but is not a valid user or change, 400
 * for an invalid path, query or header. Either way a problem+json document naming each failing field.
 */
// biome-ignore lint/suspicious/noExplicitAny: the hook serves every route, whatever its types
export const validationHook: Hook<any, any, any, any> = (result, c) => {
  if (result.success) return;
  const where = result.target === 'json' ? 'body' : result.target;
  const errors = result.error.issues.map((issue: { path: PropertyKey[]; message: string }) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : result.target === 'json' ? '(body)' : where,
    message: issue.message,
  }));
  return invalidRequest(c, result.target === 'json' ? 422 : 400, where, errors);
};
