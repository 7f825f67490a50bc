import assert from 'node:assert/strict';
import type { MalformedRequest } from '../../drivers/malformed-requests';
import type { ApiResponse, MalformedAnswer, ProblemDocument } from '../../drivers/userdata-client';
import type { Pipeline } from '../pipeline';

/** userdata refused with this status and a problem document (RFC 9457), which it returns. */
function assertProblem(answer: ApiResponse, status: number): ProblemDocument {
  assert.equal(answer.status, status, `expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  assert.equal(answer.contentType, 'application/problem+json');
  return answer.body as ProblemDocument;
}

/** Refused with this status and a problem document whose stable `code` says why. */
export function assertRefusedWith(answer: ApiResponse, status: number, code: string): void {
  assert.equal(assertProblem(answer, status).code, code);
}

/** Refused with this status and a problem document naming exactly these fields as wrong, in any order. */
export function assertRefusedForFields(answer: ApiResponse, status: number, fields: readonly string[]): void {
  const problem = assertProblem(answer, status);
  assert.deepEqual(problem.errors?.map((error) => error.field).sort(), [...fields].sort());
}

/**
 * Every one of (at least `atLeast`) malformed requests was refused as the client's fault (4xx, never 5xx or no
 * answer) with a problem document whose status matches, except that a body far over the limit may be refused by
 * the server closing the connection (see MalformedRequest.mayBeRefusedByClosing); the failure lists every one that
 * was not.
 */
export function assertEachRefusedWithProblemDocument(answers: readonly MalformedAnswer[], atLeast = 300): void {
  const closedInstead = ({ request, status, body }: MalformedAnswer) =>
    request.mayBeRefusedByClosing === true && status === 0 && /EPIPE|ECONNRESET|socket hang up/.test(String(body));
  const wrong = answers.filter(
    (answer) =>
      !closedInstead(answer) &&
      (answer.status < 400 ||
        answer.status >= 500 ||
        answer.contentType !== 'application/problem+json' ||
        (answer.body as ProblemDocument).status !== answer.status),
  );
  assert.ok(answers.length >= atLeast, `only ${answers.length} malformed requests were sent`);
  assert.deepEqual(
    wrong.map(({ request, status, body }) => `${request.description}: ${status} ${JSON.stringify(body).slice(0, 120)}`),
    [],
    'some malformed requests were not refused with a 4xx problem document',
  );
}

/** No change was captured with an email address that any of the malformed requests carried. */
export function assertNoOneRegisteredBy(answers: readonly MalformedAnswer[], pipeline: Pipeline): void {
  const emails = answers.flatMap(({ request }) => emailIn(request));
  assert.deepEqual(pipeline.capturedWithAnyEmailOf(emails), [], 'a malformed request was captured as a change');
}

/** The email address a request's body carries, if the body is JSON with a string `email`. */
function emailIn(request: MalformedRequest): string[] {
  try {
    const body = JSON.parse(request.body ?? 'null') as { email?: unknown } | null;
    return typeof body?.email === 'string' ? [body.email] : [];
  } catch {
    return [];
  }
}
