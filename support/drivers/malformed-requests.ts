/**
 * A generated set of requests that userdata must refuse with a 4xx problem document, writing nothing: wrong types,
 * missing and extra fields, oversized bodies, broken JSON, wrong content types, hostile strings (SQL fragments,
 * header-injection sequences, very long and ill-formed Unicode). Shared by the HTTP unit test and the spec that
 * checks, on the real stack, that none of them emits a change event.
 */
export interface MalformedRequest {
  readonly description: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /**
   * A body far over the limit: the server may answer 413 or, as RFC 9110 (15.5.14) allows, close the connection
   * rather than read it all; when it closes while the body is still being sent, its 413 can be lost with the
   * connection. Either way nothing is written.
   */
  readonly mayBeRefusedByClosing?: true;
}

const valid = { name: 'Zé Malformed', email: 'malformed@example.test', address: 'Rua Torta, 0' } as const;
type Field = keyof typeof valid;
const fields = Object.keys(valid) as Field[];

/** Values that are not acceptable for any of the three fields. */
const badValues: readonly [string, unknown][] = [
  ['a number', 42],
  ['a boolean', true],
  ['null', null],
  ['an array', ['Ana']],
  ['an object', { first: 'Ana' }],
  ['an empty string', ''],
  ['only spaces', '   '],
  ['a CRLF header injection', 'Ana\r\nBcc: everyone@example.test'],
  ['a LF header injection', 'x\nX-Injected: 1'],
  ['a NUL character', 'Ana\u0000'],
  ['a lone surrogate', 'Ana\ud800'],
  ['very long Unicode (emoji)', '😀'.repeat(600)],
  ['very long Unicode (Cyrillic)', 'ш'.repeat(501)],
];

const badEmails: readonly string[] = [
  "a@b.c' OR '1'='1",
  'ana@example.test; DROP TABLE users;--',
  'ana@example.test\r\nBcc: x@example.test',
  'not-an-email',
  '@example.test',
  'ana@',
  `${'a'.repeat(250)}@example.test`,
];

const badIds = ['0', '-1', '1.5', '1e3', 'abc', "1' OR '1'='1", '1;DROP TABLE users', '99999999999999999999', '%00'];

const brokenJson = ['{', '{"name":', "{'name':'Ana'}", '{"name":"Ana",}', 'NaN', '', '{"name":"Ana"}}'];

const wrongContentTypes = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonx',
];

const json = { 'content-type': 'application/json' };

export function malformedRequests(existingUserId: number): MalformedRequest[] {
  const user = `/users/${existingUserId}`;
  const requests: MalformedRequest[] = [];
  const add = (description: string, method: MalformedRequest['method'], path: string, body?: unknown) =>
    requests.push({ description, method, path, headers: json, body: JSON.stringify(body) });

  for (const field of fields) {
    const { [field]: _dropped, ...without } = valid;
    add(`POST without ${field}`, 'POST', '/users', without);
    add(`PUT without ${field}`, 'PUT', user, without);
    for (const [what, value] of badValues) {
      add(`POST with ${field} as ${what}`, 'POST', '/users', { ...valid, [field]: value });
      add(`PATCH with ${field} as ${what}`, 'PATCH', user, { [field]: value });
    }
  }
  for (const email of badEmails) {
    add(`POST with email ${JSON.stringify(email.slice(0, 40))}`, 'POST', '/users', { ...valid, email });
    add(`PATCH with email ${JSON.stringify(email.slice(0, 40))}`, 'PATCH', user, { email });
  }
  for (const [what, body] of [
    ['an empty object', {}],
    ['an array', [valid]],
    ['null', null],
    ['a string', 'Ana'],
    ['a number', 7],
  ] as const) {
    add(`POST with ${what} as body`, 'POST', '/users', body);
    add(`PATCH with ${what} as body`, 'PATCH', user, body);
  }
  for (const [what, extra] of [
    ['an unknown field', { admin: true }],
    ['its own id', { id: 1 }],
    ['a version', { version: 99 }],
    ['timestamps', { createdAt: '2000-01-01T00:00:00Z' }],
    ['a __proto__ key', JSON.parse('{"__proto__": {"admin": true}}')],
  ] as const) {
    add(`POST with ${what}`, 'POST', '/users', { ...valid, ...extra });
    add(`PATCH with ${what}`, 'PATCH', user, { address: 'Rua Nova, 1', ...extra });
  }
  for (const text of brokenJson) {
    for (const [method, path] of [
      ['POST', '/users'],
      ['PATCH', user],
    ] as const) {
      requests.push({
        description: `${method} with broken JSON ${JSON.stringify(text)}`,
        method,
        path,
        headers: json,
        body: text,
      });
    }
  }
  for (const contentType of wrongContentTypes) {
    for (const [method, path] of [
      ['POST', '/users'],
      ['PUT', user],
      ['PATCH', user],
    ] as const) {
      requests.push({
        description: `${method} as ${contentType}`,
        method,
        path,
        headers: { 'content-type': contentType },
        body: JSON.stringify(valid),
      });
    }
  }
  requests.push({
    description: 'POST without a content type',
    method: 'POST',
    path: '/users',
    headers: {},
    body: JSON.stringify(valid),
  });
  add('POST with a 64 KiB body', 'POST', '/users', { ...valid, address: 'x'.repeat(64 * 1024) });
  requests.push({
    description: 'PATCH with a 1 MiB body',
    method: 'PATCH',
    path: user,
    headers: json,
    body: JSON.stringify({ address: 'x'.repeat(1024 * 1024) }),
    mayBeRefusedByClosing: true,
  });
  for (const id of badIds) {
    const path = `/users/${encodeURIComponent(id)}`;
    add(`PATCH /users/${id}`, 'PATCH', path, { address: 'Rua Nova, 1' });
    add(`PUT /users/${id}`, 'PUT', path, valid);
    requests.push({ description: `DELETE /users/${id}`, method: 'DELETE', path, headers: {} });
  }
  for (const ifMatch of ['1', '"1', 'W/1', '"1" junk', "' OR 1=1 --"]) {
    requests.push({
      description: `DELETE with If-Match ${ifMatch}`,
      method: 'DELETE',
      path: user,
      headers: { 'if-match': ifMatch },
    });
    requests.push({
      description: `PATCH with If-Match ${ifMatch}`,
      method: 'PATCH',
      path: user,
      headers: { ...json, 'if-match': ifMatch },
      body: JSON.stringify({ address: 'Rua Nova, 1' }),
    });
  }
  requests.push(...randomBodies(user, 120));
  return requests;
}

/**
 * Bodies mixing valid and invalid values at random (seeded, so every run sends the same ones): each has at least one
 * invalid field, so each must be refused.
 */
function randomBodies(user: string, count: number): MalformedRequest[] {
  const random = seeded(20261125);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const requests: MalformedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const broken = pick(fields);
    const body: Record<string, unknown> = {};
    for (const field of fields) {
      if (field === broken) body[field] = pick(badValues)[1];
      else if (random() < 0.7) body[field] = field === 'email' ? `random${i}@example.test` : valid[field];
    }
    const create = random() < 0.5;
    if (create && random() < 0.3) body[pick(['role', 'id', 'nome', 'Email'])] = pick(badValues)[1];
    requests.push({
      description: `random body #${i} (${broken} broken)`,
      method: create ? 'POST' : 'PATCH',
      path: create ? '/users' : user,
      headers: json,
      body: JSON.stringify(body),
    });
  }
  return requests;
}

/** mulberry32: a tiny deterministic PRNG. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
