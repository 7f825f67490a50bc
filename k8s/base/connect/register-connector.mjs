// Registers the Debezium connector with Kafka Connect, then waits for its task to run. PUT /connectors/<name>/config
// creates or updates, so the Job can run again at any time. Retries while Connect starts or rebalances (409, 5xx,
// refused connections); stops at once on a configuration Connect refuses (400) or a task that FAILED.
// Variables: CONNECT_URL, CONNECTOR_NAME, CONNECTOR_CONFIG (a JSON file), TIMEOUT_MS, RETRY_INTERVAL_MS.
import { readFile } from 'node:fs/promises';

class GiveUp extends Error {}

const connectUrl = required('CONNECT_URL').replace(/\/+$/, '');
const name = required('CONNECTOR_NAME');
const configFile = required('CONNECTOR_CONFIG');
const deadline = Date.now() + Number(process.env.TIMEOUT_MS ?? 600_000);
const intervalMs = Number(process.env.RETRY_INTERVAL_MS ?? 3_000);

function required(variable) {
  const value = process.env[variable];
  if (!value) {
    console.error(`register-connector: ${variable} is required`);
    process.exit(2);
  }
  return value;
}

/** Calls attempt() until it returns a value; a GiveUp ends at once, any other error is retried until the deadline. */
async function eventually(what, attempt) {
  for (;;) {
    try {
      const result = await attempt();
      if (result !== undefined) return result;
    } catch (error) {
      if (error instanceof GiveUp) throw error;
      console.log(
        `register-connector: ${what}: ${error.message}${error.cause ? ` (${error.cause.code ?? error.cause.message})` : ''}`,
      );
    }
    if (Date.now() > deadline) throw new GiveUp(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

async function putConfig(config) {
  const url = `${connectUrl}/connectors/${encodeURIComponent(name)}/config`;
  return eventually(`PUT ${url}`, async () => {
    const response = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(config),
      signal: AbortSignal.timeout(15_000),
    });
    const body = await response.text();
    if (response.ok) return response.status === 201 ? 'created' : 'updated';
    if (response.status === 409) throw new Error(`${response.status} ${body}`);
    // Kafka Connect 4.3 answers any validation error of a Debezium connector with a 500 NullPointerException
    // (KAFKA-20693), e.g. while MySQL does not answer yet: retried, with what validation says is wrong.
    if (response.status >= 500) throw new Error(`${response.status} ${body}${await invalidFields(config)}`);
    throw new GiveUp(`Kafka Connect refused the configuration (${response.status}): ${body}`);
  });
}

/** What PUT /connector-plugins/<class>/config/validate says is wrong, as lines to append to a message. */
async function invalidFields(config) {
  const plugin = String(config['connector.class'] ?? '')
    .split('.')
    .pop();
  try {
    const response = await fetch(`${connectUrl}/connector-plugins/${plugin}/config/validate`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ ...config, name }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) return '';
    const { configs } = await response.json();
    const wrong = configs.filter(({ value }) => value?.errors?.length);
    return wrong.map(({ value }) => `\n  invalid ${value.name}: ${value.errors.join('; ')}`).join('');
  } catch {
    return '';
  }
}

async function waitForTask() {
  const url = `${connectUrl}/connectors/${encodeURIComponent(name)}/status`;
  return eventually(`task 0 of ${name} to be RUNNING`, async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    const status = await response.json();
    const failed = [status.connector, ...(status.tasks ?? [])].find((part) => part?.state === 'FAILED');
    if (failed) throw new GiveUp(`the connector FAILED:\n${failed.trace ?? '(no trace)'}`);
    if (status.tasks?.[0]?.state === 'RUNNING') return status;
    throw new Error(`connector ${status.connector?.state}, task 0 ${status.tasks?.[0]?.state ?? 'not created yet'}`);
  });
}

try {
  const config = JSON.parse(await readFile(configFile, 'utf8'));
  console.log(`register-connector: ${name} ${await putConfig(config)}`);
  const status = await waitForTask();
  console.log(
    `register-connector: ${name} is ${status.connector.state}, task 0 RUNNING on ${status.tasks[0].worker_id}`,
  );
} catch (error) {
  console.error(`register-connector: ${error.message}`);
  process.exit(1);
}
