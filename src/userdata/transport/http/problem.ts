import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** An RFC 9457 problem document: how every error of this API is told. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: ContentfulStatusCode;
  readonly detail?: string;
  /** For invalid input: one entry per failing field, by its path in the request. */
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

export function problem(c: Context, body: Problem): Response {
  const requestId = c.get('requestId') as string | undefined;
  return c.body(JSON.stringify(requestId ? { ...body, requestId } : body), body.status, {
    'content-type': 'application/problem+json',
  });
}

/** Input refused at the edge, by a check that zod schemas cannot express (headers' grammar, media types). */
export class InvalidRequest extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly title: string,
    readonly errors: readonly FieldError[],
  ) {
    super(title);
  }
}

/** A failed validation as the problem document every invalid request gets. */
export function invalidRequest(c: Context, status: ContentfulStatusCode, where: string, errors: readonly FieldError[]) {
  return problem(c, {
    type: '/problems/invalid-request',
    title: 'The request is invalid',
    status,
    detail: `The ${where} has ${errors.length} problem(s)`,
    errors,
  });
}
