import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { malformedRequests } from '../../../../support/drivers/malformed-requests';
import { ana, apiUnderTest } from '../../../../support/service-tests/userdata/api-under-test';

describe('userdata refuses every malformed request', () => {
  it('answers each with a 4xx problem document that names what is wrong, and writes nothing', async () => {
    const { call, users } = await apiUnderTest();
    const created = await call('POST', '/users', { json: ana });
    const { id } = (await created.json()) as { id: number };
    const before = users.snapshot();
    const requests = malformedRequests(id);
    assert.ok(requests.length >= 300, `only ${requests.length} requests were generated`);
    const wrong: string[] = [];
    for (const request of requests) {
      // call() also checks the response against the OpenAPI document.
      const response = await call(request.method, request.path, {
        headers: request.headers,
        ...(request.body === undefined ? {} : { raw: request.body }),
      }).catch((error: Error) => ({ status: 0, error }));
      if ('error' in response) {
        wrong.push(`${request.description}: ${response.error.message.split('\n')[0]}`);
        continue;
      }
      const problem = (await response.json()) as { status?: number; errors?: { field: string }[] };
      const named = response.status === 404 || response.status === 412 || (problem.errors?.length ?? 0) > 0;
      if (response.status < 400 || response.status >= 500 || problem.status !== response.status || !named) {
        wrong.push(`${request.description}: ${response.status} ${JSON.stringify(problem).slice(0, 200)}`);
      }
    }
    assert.deepEqual(wrong, [], `${wrong.length} of ${requests.length} malformed requests were not refused properly`);
    assert.deepEqual(users.snapshot(), before, 'a refused request changed the stored users');
  });
});
