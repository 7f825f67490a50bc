import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type KubernetesObject, schemaProblems } from './kubernetes-schema';

const service = (spec: object): KubernetesObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', labels: { 'any.label/name': 'any value' } },
  spec,
});

describe('schemaProblems', () => {
  it('accepts free-form maps and either form of an int-or-string', async () => {
    assert.deepEqual(
      await schemaProblems([
        service({
          selector: { whatever: 'x' },
          ports: [
            { port: 80, targetPort: 'http' },
            { port: 81, targetPort: 8081 },
          ],
        }),
      ]),
      [],
    );
  });

  it('names every unknown field with its path, inside arrays too', async () => {
    assert.deepEqual(await schemaProblems([service({ ports: [{ port: 80, nodeport: 30080 }], tpye: 'NodePort' })]), [
      'Service/web: unknown field spec.ports[0].nodeport',
      'Service/web: unknown field spec.tpye',
    ]);
  });

  it('refuses wrong types, missing required fields and objects given as strings', async () => {
    const problems = await schemaProblems([service({ ports: [{ targetPort: 80 }], sessionAffinityConfig: 'none' })]);
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /ports\/0 must have required property port/);
    assert.match(problems[0] ?? '', /sessionAffinityConfig must be object/);
  });

  it('refuses kinds it has no schema for, rather than passing them', async () => {
    const problems = await schemaProblems([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]);
    assert.ok(problems.includes('Widget/w: no schema for example.com/v1 Widget'), problems.join('\n'));
  });
});
