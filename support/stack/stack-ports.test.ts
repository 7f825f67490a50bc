import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { freePort } from '../lib/free-ports';
import { documentedPorts, freePorts, portVariables } from './stack-ports';

/** Every port variable set to a free port, so that the tests do not depend on what else runs on the machine. */
async function freeEnv(): Promise<Record<string, string>> {
  const ports = await freePorts();
  return Object.fromEntries(
    Object.entries(portVariables).map(([key, variable]) => [variable, String(ports[key as keyof typeof ports])]),
  );
}

describe('documentedPorts', () => {
  it('names the variable when its port is taken', async () => {
    const port = await freePort();
    const server = createServer().listen(port, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      await assert.rejects(
        documentedPorts({ ...(await freeEnv()), CONNECT_PORT: String(port) }),
        /Port \d+ is already in use.*CONNECT_PORT=<port>/,
      );
    } finally {
      server.close();
    }
  });

  it('refuses a value that is not a port, naming the variable', async () => {
    await assert.rejects(documentedPorts({ KAFKA_PORT: 'ninety' }), /KAFKA_PORT=ninety is not a port number/);
  });

  it('refuses two variables asking for one port', async () => {
    const port = String(await freePort());
    await assert.rejects(
      documentedPorts({ ...(await freeEnv()), KAFKA_PORT: port, SMTP_PORT: port }),
      /both ask for port/,
    );
  });
});

describe('documentedPorts, continued', () => {
  it('takes each override from its variable', async () => {
    const env = await freeEnv();
    const ports = await documentedPorts(env);
    assert.equal(ports.database, Number(env.DATABASE_PORT));
    assert.equal(ports.mailUi, Number(env.MAIL_UI_PORT));
  });
});

describe('freePorts', () => {
  it('gives every component its own port', async () => {
    const ports = Object.values(await freePorts());
    assert.equal(new Set(ports).size, ports.length);
  });
});
