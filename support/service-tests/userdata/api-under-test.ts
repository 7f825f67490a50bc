import { Writable } from 'node:stream';
import pino from 'pino';
import { createUserdataApp } from '../../../src/userdata/compose';
import { InMemoryUserRepository } from '../../../src/userdata/data-sources/in-memory-user.repository';
import { openApiInfo } from '../../../src/userdata/transport/http/app';
import { OpenApiConformance } from './openapi-conformance';

export interface CallOptions {
  /** A value to send as JSON. */
  readonly json?: unknown;
  /** Bytes to send as they are (with `headers` saying what they are). */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

/**
 * For tests: the userdata app over an in-memory repository. Every response goes through the OpenAPI document's
 * check, so any test that calls the API also tests that the document tells the truth.
 */
export async function apiUnderTest(options: { checkDatabase?: () => Promise<void> } = {}) {
  const users = new InMemoryUserRepository();
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const app = createUserdataApp({
    users,
    checkDatabase: options.checkDatabase ?? (async () => undefined),
    logger: pino({ level: 'info' }, sink),
  });
  const conformance = new OpenApiConformance(app.getOpenAPI31Document(openApiInfo));

  async function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.raw;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
    await conformance.check(method, path, response);
    return response;
  }
  return { app, call, users, logLines };
}

export const ana = { name: 'Ana', email: 'ana@example.test', address: 'Rua A, 1' } as const;
