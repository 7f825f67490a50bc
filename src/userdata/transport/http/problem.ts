import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An RFC 9457 problem document: how every error of this API is told. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: ContentfulStatusCode;
  readonly detail?: string;
  /** For invalid input: one entry per failing field, by its path in the request. */
  readonly errors?: readonly { readonly field: string; readonly message: string }[];
  readonly [extension: string]: unknown;
}

export function problem(c: Context, body: Problem): Response {
  return c.body(JSON.stringify(body), body.status, { 'content-type': 'application/problem+json' });
}
