import { ProblemSchema } from './schemas';

/** What each error status means in this API: the OpenAPI document lists these for every route that can answer them. */
const meaning = {
  400: 'Malformed request: a body that is not JSON, or an invalid path, query or header; `errors` names each field',
  404: 'No user has that id',
  409: 'Another user already has that email address (whatever its case)',
  412: 'If-Match names a version that is no longer current: nothing was changed',
  413: 'The body is larger than the limit',
  415: 'The body is not application/json',
  422: 'The JSON body is not a valid user or change: `errors` names each failing field',
  500: 'Something unexpected failed; the requestId finds it in the logs',
  503: 'The database cannot be reached for now (code DATABASE_UNAVAILABLE; for /ready, not ready): try again after the seconds in Retry-After',
} as const;

export type ProblemStatus = keyof typeof meaning;

/** How long a client should wait before trying a request the database could not serve. */
export const retryAfterSeconds = 5;

const retryAfterHeader = {
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' as const } },
};

export function problemResponses<S extends ProblemStatus>(...statuses: S[]) {
  return Object.fromEntries(
    // Any route can fail unexpectedly (500) or find the database unreachable (503).
    [...statuses, 500 as const, 503 as const].map((status) => [
      status,
      {
        description: meaning[status],
        content: { 'application/problem+json': { schema: ProblemSchema } },
        ...(status === 503 ? { headers: retryAfterHeader } : {}),
      },
    ]),
  ) as unknown as Record<
    S | 500 | 503,
    { description: string; content: { 'application/problem+json': { schema: typeof ProblemSchema } } }
  >;
}
