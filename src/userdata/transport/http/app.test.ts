import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ana, apiUnderTest } from '../../../../support/service-tests/userdata/api-under-test';
import { OpenApiConformance } from '../../../../support/service-tests/userdata/openapi-conformance';
import { DatabaseUnavailable } from '../../entities/errors';
import { openApiInfo } from './app';

/** The fields these tests read from user, page and problem documents. */
interface Body {
  id: number;
  name: string;
  email: string;
  address: string;
  version: number;
  code: string;
  title: string;
  requestId: string;
  users: { id: number }[];
  next: string | null;
  errors: { field: string; message: string }[];
}
const bodyOf = async (response: Response): Promise<Body> => (await response.json()) as Body;
const fieldsOf = async (response: Response): Promise<string[]> =>
  (await bodyOf(response)).errors.map((error) => error.field).sort();

describe('userdata HTTP API: users', () => {
  it('creates a user: 201, its location, its ETag and the stored representation', async () => {
    const { call } = await apiUnderTest();
    const response = await call('POST', '/users', { json: ana });
    assert.equal(response.status, 201);
    const body = await bodyOf(response);
    assert.equal(response.headers.get('location'), `/users/${body.id}`);
    assert.equal(response.headers.get('etag'), '"1"');
    assert.deepEqual(
      { name: body.name, email: body.email, address: body.address, version: body.version },
      {
        ...ana,
        version: 1,
      },
    );
  });

  it('reads a user with its ETag', async () => {
    const { call } = await apiUnderTest();
    const { id } = await bodyOf(await call('POST', '/users', { json: ana }));
    const response = await call('GET', `/users/${id}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('etag'), '"1"');
    assert.equal((await bodyOf(response)).email, ana.email);
  });

  it('changes some fields with PATCH, and a new version each time something changed', async () => {
    const { call } = await apiUnderTest();
    const { id } = await bodyOf(await call('POST', '/users', { json: ana }));
    const patched = await call('PATCH', `/users/${id}`, { json: { address: 'Rua B, 2' } });
    assert.equal(patched.status, 200);
    assert.equal(patched.headers.get('etag'), '"2"');
    assert.deepEqual(
      { name: (await bodyOf(patched.clone())).name, address: (await bodyOf(patched)).address },
      { name: 'Ana', address: 'Rua B, 2' },
    );
    const same = await call('PATCH', `/users/${id}`, { json: { address: 'Rua B, 2' } });
    assert.equal((await bodyOf(same)).version, 2, 'a change that changes nothing makes no new version');
  });

  it('replaces every field with PUT, and refuses a PUT that lacks one', async () => {
    const { call } = await apiUnderTest();
    const { id } = await bodyOf(await call('POST', '/users', { json: ana }));
    const replaced = await call('PUT', `/users/${id}`, {
      json: { name: 'Ana Souza', email: 'ana.souza@example.test', address: 'Rua C, 3' },
    });
    assert.equal(replaced.status, 200);
    assert.equal((await bodyOf(replaced)).email, 'ana.souza@example.test');
    const partial = await call('PUT', `/users/${id}`, { json: { name: 'Ana' } });
    assert.equal(partial.status, 422);
    assert.deepEqual(await fieldsOf(partial), ['address', 'email']);
  });

  it('deletes a user: 204, then 404', async () => {
    const { call } = await apiUnderTest();
    const { id } = await bodyOf(await call('POST', '/users', { json: ana }));
    assert.equal((await call('DELETE', `/users/${id}`)).status, 204);
    assert.equal((await call('GET', `/users/${id}`)).status, 404);
    assert.equal((await call('DELETE', `/users/${id}`)).status, 404);
  });

  it('answers 409 for a duplicate email, whatever its case, on create and on change', async () => {
    const { call, users } = await apiUnderTest();
    await call('POST', '/users', { json: ana });
    const duplicate = await call('POST', '/users', { json: { ...ana, email: 'ANA@Example.TEST', name: 'Other' } });
    assert.equal(duplicate.status, 409);
    assert.equal((await bodyOf(duplicate)).code, 'EMAIL_ALREADY_IN_USE');
    const { id } = await bodyOf(await call('POST', '/users', { json: { ...ana, email: 'bia@example.test' } }));
    const change = await call('PATCH', `/users/${id}`, { json: { email: 'ana@EXAMPLE.test' } });
    assert.equal(change.status, 409);
    assert.equal(users.snapshot().find((user) => user.id === id)?.email, 'bia@example.test');
  });

  it('answers a full change alike by PUT and by PATCH: its ETag, no new version for no change, 409, 412 and 404', async () => {
    for (const method of ['PUT', 'PATCH']) {
      const { call } = await apiUnderTest();
      const { id } = await bodyOf(await call('POST', '/users', { json: ana }));
      await call('POST', '/users', { json: { ...ana, email: 'bia@example.test' } });
      const answers = [
        await call(method, `/users/${id}`, { json: { ...ana, name: 'Ana S' }, headers: { 'if-match': '"1"' } }),
        await call(method, `/users/${id}`, { json: { ...ana, name: 'Ana S' } }),
        await call(method, `/users/${id}`, { json: { ...ana, email: 'BIA@example.test' } }),
        await call(method, `/users/${id}`, { json: ana, headers: { 'if-match': '"1"' } }),
        await call(method, '/users/99', { json: ana }),
      ];
      assert.deepEqual(
        answers.map((answer) => [answer.status, answer.headers.get('etag')]),
        [
          [200, '"2"'],
          [200, '"2"'],
          [409, null],
          [412, null],
          [404, null],
        ],
        method,
      );
    }
  });

  it('answers 404 problem+json for an unknown user, 400 naming the id for a malformed one', async () => {
    const { call } = await apiUnderTest();
    const unknown = await call('GET', '/users/99');
    assert.equal(unknown.status, 404);
    assert.equal((await bodyOf(unknown)).code, 'USER_NOT_FOUND');
    const malformed = await call('GET', '/users/abc');
    assert.equal(malformed.status, 400);
    assert.deepEqual(await fieldsOf(malformed), ['id']);
  });
});

describe('userdata HTTP API: optimistic concurrency', () => {
  it('applies a change whose If-Match names the current version', async () => {
    const { call } = await apiUnderTest();
    const { id } = await bodyOf(await call('POST', '/users', { json: ana }));
    const response = await call('PATCH', `/users/${id}`, { json: { name: 'Ana S' }, headers: { 'if-match': '"1"' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('etag'), '"2"');
  });

  it('refuses a stale If-Match with 412 and changes nothing, on PATCH, PUT and DELETE', async () => {
    const { call, users } = await apiUnderTest();
    const { id } = await bodyOf(await call('POST', '/users', { json: ana }));
    await call('PATCH', `/users/${id}`, { json: { name: 'Ana S' } });
    const before = users.snapshot();
    const stale = { 'if-match': '"1"' };
    const patch = await call('PATCH', `/users/${id}`, { json: { name: 'X' }, headers: stale });
    assert.equal(patch.status, 412);
    assert.equal((await bodyOf(patch)).code, 'STALE_VERSION');
    assert.equal((await call('PUT', `/users/${id}`, { json: ana, headers: stale })).status, 412);
    assert.equal((await call('DELETE', `/users/${id}`, { headers: stale })).status, 412);
    assert.deepEqual(users.snapshot(), before);
  });

  it('treats * as any current version, and a weak tag as never matching', async () => {
    const { call } = await apiUnderTest();
    const { id } = await bodyOf(await call('POST', '/users', { json: ana }));
    assert.equal(
      (await call('PATCH', `/users/${id}`, { json: { name: 'B' }, headers: { 'if-match': '*' } })).status,
      200,
    );
    const weak = await call('PATCH', `/users/${id}`, { json: { name: 'C' }, headers: { 'if-match': 'W/"2"' } });
    assert.equal(weak.status, 412);
    const listed = await call('DELETE', `/users/${id}`, { headers: { 'if-match': '"7", "2"' } });
    assert.equal(listed.status, 204);
  });

  it('refuses a malformed If-Match with 400 naming the header', async () => {
    const { call } = await apiUnderTest();
    const { id } = await bodyOf(await call('POST', '/users', { json: ana }));
    const response = await call('PATCH', `/users/${id}`, { json: { name: 'B' }, headers: { 'if-match': '2' } });
    assert.equal(response.status, 400);
    assert.deepEqual(await fieldsOf(response), ['If-Match']);
  });
});

describe('userdata HTTP API: listing', () => {
  it('pages through every user once, in id order, following next', async () => {
    const { call } = await apiUnderTest();
    for (let i = 0; i < 5; i++) await call('POST', '/users', { json: { ...ana, email: `u${i}@example.test` } });
    const seen: number[] = [];
    let next: string | null = '/users?limit=2';
    let pages = 0;
    while (next) {
      const page = await bodyOf(await call('GET', next));
      assert.ok(page.users.length <= 2);
      seen.push(...page.users.map((user) => user.id));
      next = page.next;
      pages++;
    }
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    assert.equal(pages, 3);
  });

  it('refuses a limit above the cap, a malformed cursor and unknown parameters, naming each', async () => {
    const { call } = await apiUnderTest();
    assert.deepEqual(await fieldsOf(await call('GET', '/users?limit=101')), ['limit']);
    assert.deepEqual(await fieldsOf(await call('GET', '/users?limit=0')), ['limit']);
    assert.deepEqual(await fieldsOf(await call('GET', "/users?after=1'%20OR%201=1")), ['after']);
    const unknown = await call('GET', '/users?page=2');
    assert.equal(unknown.status, 400);
  });
});

describe('userdata HTTP API: refused input', () => {
  it('refuses an invalid body with 422 problem+json naming each field, and stores nothing', async () => {
    const { call, users } = await apiUnderTest();
    const response = await call('POST', '/users', {
      json: { name: '', email: 'not-an-email', address: 'x', extra: 1 },
    });
    assert.equal(response.status, 422);
    assert.equal(response.headers.get('content-type'), 'application/problem+json');
    assert.deepEqual(await fieldsOf(response), ['(body)', 'email', 'name']);
    assert.deepEqual(users.snapshot(), []);
  });

  it('refuses a change that changes no field', async () => {
    const { call } = await apiUnderTest();
    const { id } = await bodyOf(await call('POST', '/users', { json: ana }));
    assert.equal((await call('PATCH', `/users/${id}`, { json: {} })).status, 422);
  });

  it('refuses a line break in a name, which could forge email headers', async () => {
    const { call } = await apiUnderTest();
    const response = await call('POST', '/users', { json: { ...ana, name: 'Ana\r\nBcc: all@example.test' } });
    assert.equal(response.status, 422);
    assert.deepEqual(await fieldsOf(response), ['name']);
  });

  it('stores SQL-looking text as text', async () => {
    const { call } = await apiUnderTest();
    const name = "Robert'); DROP TABLE users;--";
    const response = await call('POST', '/users', { json: { ...ana, name } });
    assert.equal(response.status, 201);
    assert.equal((await bodyOf(response)).name, name);
  });

  it('answers 400 for a body that is not JSON, 415 for another media type, 413 for a body too large', async () => {
    const { call } = await apiUnderTest();
    const broken = await call('POST', '/users', { raw: '{', headers: { 'content-type': 'application/json' } });
    assert.equal(broken.status, 400);
    const text = await call('POST', '/users', { raw: 'name=Ana', headers: { 'content-type': 'text/plain' } });
    assert.equal(text.status, 415);
    assert.deepEqual(await fieldsOf(text), ['Content-Type']);
    const large = await call('POST', '/users', { json: { ...ana, address: 'x'.repeat(20_000) } });
    assert.equal(large.status, 413);
    const declared = JSON.stringify({ ...ana, address: 'x'.repeat(20_000) });
    const declaredLarge = await call('PATCH', '/users/1', {
      raw: declared,
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(declared)) },
    });
    assert.equal(declaredLarge.status, 413, 'a body whose Content-Length is over the limit');
  });

  it('answers unknown routes with a 404 problem', async () => {
    const { call } = await apiUnderTest();
    const response = await call('GET', '/nothing-here');
    assert.equal(response.status, 404);
  });
});

describe('userdata HTTP API: operations', () => {
  it('answers /health, and /ready while the database answers', async () => {
    const { call } = await apiUnderTest();
    assert.equal((await call('GET', '/health')).status, 200);
    assert.equal((await call('GET', '/ready')).status, 200);
  });

  it('answers /ready with 503 when the database does not answer', async () => {
    const { call } = await apiUnderTest({
      checkDatabase: async () => {
        throw new Error('ECONNREFUSED');
      },
    });
    assert.equal((await call('GET', '/ready')).status, 503);
  });

  it('answers 500 without internals when something unexpected fails, and logs it with the request id', async () => {
    const { call, users, logLines } = await apiUnderTest();
    users.findById = async () => {
      throw new Error('connection lost to 10.0.0.1');
    };
    const response = await call('GET', '/users/1', { headers: { 'x-request-id': 'req-42' } });
    assert.equal(response.status, 500);
    assert.equal(response.headers.get('x-request-id'), 'req-42');
    const body = await response.text();
    assert.doesNotMatch(body, /10\.0\.0\.1/);
    assert.equal(JSON.parse(body).requestId, 'req-42');
    const logged = logLines.find((line) => line.msg === 'unhandled error');
    assert.equal(logged?.requestId, 'req-42');
    assert.match(JSON.stringify(logged), /10\.0\.0\.1/);
  });

  it('logs one line per request with its request id, method, path and status', async () => {
    const { call, logLines } = await apiUnderTest();
    const response = await call('GET', '/health');
    const line = logLines.find((entry) => entry.msg === 'request');
    assert.deepEqual(
      { requestId: line?.requestId, method: line?.method, path: line?.path, status: line?.status },
      { requestId: response.headers.get('x-request-id'), method: 'GET', path: '/health', status: 200 },
    );
  });

  it('serves its OpenAPI 3.1 document, listing every route, and Swagger UI', async () => {
    const { app } = await apiUnderTest();
    const doc = (await (await app.request('/openapi.json')).json()) as { openapi: string; paths: object };
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.paths).sort(), ['/health', '/ready', '/users', '/users/{id}']);
    const ui = await app.request('/docs');
    assert.match(await ui.text(), /swagger-ui-bundle\.js/);
    assert.equal((await app.request('/docs/swagger-ui-bundle.js')).status, 200);
  });
});

describe('userdata HTTP API while the database cannot be reached', () => {
  it('answers every request with 503 and Retry-After, never 500, and is not ready', async () => {
    const { call, users } = await apiUnderTest({
      checkDatabase: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
      },
    });
    const created = (await (await call('POST', '/users', { json: ana })).json()) as { id: number };
    const down = async (): Promise<never> => {
      throw new DatabaseUnavailable({ cause: Object.assign(new Error('read ETIMEDOUT'), { code: 'ETIMEDOUT' }) });
    };
    Object.assign(users, { create: down, findById: down, list: down, update: down, delete: down });
    const requests: [string, string, unknown?][] = [
      ['POST', '/users', { ...ana, email: 'other@example.test' }],
      ['GET', '/users'],
      ['GET', `/users/${created.id}`],
      ['PATCH', `/users/${created.id}`, { address: 'Rua B, 2' }],
      ['PUT', `/users/${created.id}`, { ...ana, address: 'Rua B, 2' }],
      ['DELETE', `/users/${created.id}`],
    ];
    for (const [method, path, json] of requests) {
      const response = await call(method, path, json === undefined ? {} : { json });
      assert.equal(response.status, 503, `${method} ${path}`);
      assert.equal(response.headers.get('retry-after'), '5', `${method} ${path}`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(((await response.json()) as { code?: string }).code, 'DATABASE_UNAVAILABLE');
    }
    const ready = await call('GET', '/ready');
    assert.equal(ready.status, 503);
    assert.equal(ready.headers.get('retry-after'), '5');
  });
});

describe('the OpenAPI check these tests rely on', () => {
  it('fails a status, a content type or a body that the document does not promise', async () => {
    const { app } = await apiUnderTest();
    const conformance = new OpenApiConformance(app.getOpenAPI31Document(openApiInfo));
    const json = (body: unknown, status: number, type = 'application/json') =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
    await assert.rejects(conformance.check('GET', '/users/1', json({}, 409)), /409 is not documented/);
    await assert.rejects(conformance.check('GET', '/users/1', json({}, 200, 'text/plain')), /text\/plain/);
    const withEtag = new Response(JSON.stringify({ id: 'one' }), {
      status: 200,
      headers: { 'content-type': 'application/json', etag: '"1"' },
    });
    await assert.rejects(conformance.check('GET', '/users/1', withEtag), /does not match/);
    await assert.rejects(conformance.check('POST', '/users', json({}, 201)), /header ETag is missing/);
  });
});
