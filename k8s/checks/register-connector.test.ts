import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connectorName } from '../../support/components/debezium-connector';
import { connectFolder } from './render-connector-config';

const script = join(connectFolder, 'register-connector.mjs');
const configFile = join(connectFolder, 'userdata-cdc.json');

interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}
type Answer = readonly [status: number, body: unknown];

/**
 * A stand-in for Kafka Connect's REST API on 127.0.0.1: each request to a path gets the next of its scripted answers
 * (the last one repeats). Runs register-connector.mjs against it, as the Job runs it.
 */
async function register(answers: Record<string, readonly Answer[]>, timeoutMs = 3_000) {
  const exchanges: Exchange[] = [];
  const served: Record<string, number> = {};
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const path = request.url ?? '';
      exchanges.push({ method: request.method ?? '', path, body });
      const scripted = answers[`${request.method} ${path}`] ?? [[404, { message: 'not scripted' }]];
      const index = Math.min(served[path] ?? 0, scripted.length - 1);
      served[path] = (served[path] ?? 0) + 1;
      const [status, payload] = scripted[index] as Answer;
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const child = spawn(process.execPath, [script], {
      env: {
        PATH: process.env.PATH,
        CONNECT_URL: `http://127.0.0.1:${port}`,
        CONNECTOR_NAME: connectorName,
        CONNECTOR_CONFIG: configFile,
        RETRY_INTERVAL_MS: '10',
        TIMEOUT_MS: String(timeoutMs),
      },
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, output, exchanges };
  } finally {
    server.close();
  }
}

const put = `PUT /connectors/${connectorName}/config`;
const status = `GET /connectors/${connectorName}/status`;
const running = {
  name: connectorName,
  connector: { state: 'RUNNING', worker_id: '10.0.0.7:8083' },
  tasks: [{ id: 0, state: 'RUNNING', worker_id: '10.0.0.7:8083' }],
};

describe('k8s/base/connect/register-connector.mjs', () => {
  it('PUTs the committed configuration and waits for task 0 to run, through rebalances', async () => {
    const { code, output, exchanges } = await register({
      [put]: [
        [409, { message: 'rebalance in progress' }],
        [201, {}],
      ],
      [status]: [
        [404, { message: 'not found' }],
        [200, { ...running, tasks: [] }],
        [200, running],
      ],
    });
    assert.equal(code, 0, output);
    const puts = exchanges.filter((e) => e.method === 'PUT');
    assert.equal(puts.length, 2);
    assert.deepEqual(JSON.parse(puts[1]?.body ?? ''), JSON.parse(readFileSync(configFile, 'utf8')));
    assert.equal(exchanges.filter((e) => e.method === 'GET').length, 3);
    assert.match(output, /userdata-cdc created/);
  });

  it('updates an existing connector (200) just the same: the Job can run again', async () => {
    const { code, output } = await register({ [put]: [[200, {}]], [status]: [[200, running]] });
    assert.equal(code, 0, output);
    assert.match(output, /userdata-cdc updated/);
  });

  it('stops at once when Connect refuses the configuration', async () => {
    const { code, output, exchanges } = await register({
      [put]: [[400, { error_code: 400, message: 'Connector configuration is invalid' }]],
    });
    assert.equal(code, 1);
    assert.match(output, /refused the configuration \(400\)/);
    assert.equal(exchanges.length, 1);
  });

  it("retries Connect 4.3's 500 for a validation error (KAFKA-20693), logging what validation says is wrong", async () => {
    const npe = { error_code: 500, message: 'Cannot invoke "ConfigValueInfo.errors()" because ... is null' };
    const { code, output } = await register({
      [put]: [
        [500, npe],
        [201, {}],
      ],
      'PUT /connector-plugins/MySqlConnector/config/validate': [
        [
          200,
          {
            error_count: 1,
            configs: [
              {
                definition: { name: 'database.hostname' },
                value: { name: 'database.hostname', errors: ['Unable to connect'] },
              },
              { definition: { name: 'database.port' }, value: { name: 'database.port', errors: [] } },
              { definition: { name: 'undeclared' }, value: null },
            ],
          },
        ],
      ],
      [status]: [[200, running]],
    });
    assert.equal(code, 0, output);
    assert.match(output, /500 .*\n {2}invalid database\.hostname: Unable to connect/);
    assert.doesNotMatch(output, /invalid database\.port/);
  });

  it('fails with the trace when the task FAILED', async () => {
    const { code, output } = await register({
      [put]: [[201, {}]],
      [status]: [[200, { ...running, tasks: [{ id: 0, state: 'FAILED', trace: 'Access denied for user debezium' }] }]],
    });
    assert.equal(code, 1);
    assert.match(output, /FAILED:\nAccess denied for user debezium/);
  });

  it('gives up when Connect never answers', async () => {
    const { code, output } = await register({ [put]: [[503, { message: 'starting' }]] }, 200);
    assert.equal(code, 1);
    assert.match(output, /gave up waiting for PUT/);
  });
});
