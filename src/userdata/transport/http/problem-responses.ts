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
  503: 'Not ready: the database is unreachable',
} as const;

export type ProblemStatus = keyof typeof meaning;

export function problemResponses<S extends ProblemStatus>(...statuses: S[]) {
  return Object.fromEntries(
    [...statuses, 500 as const].map((status) => [
      status,
      { description: meaning[status], content: { 'application/problem+json': { schema: ProblemSchema } } },
    ]),
  ) as unknown as Record<
    S | 500,
    { description: string; content: { 'application/problem+json': { schema: typeof ProblemSchema } } }
  >;
}
