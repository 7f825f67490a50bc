/**
 * userdata beside its driver: GET and PATCH over HTTP (autocannon) against raw mysql2 running the very statements
 * userdata's repository runs for them, at the same concurrency, with the pipeline idle (the connector paused and
 * push-email stopped) and with it running. The raw side works on `bench_raw`, a copy of the users table Debezium does
 * not capture, so that it never adds changes for the pipeline.
 */
import { Kafka, logLevel } from 'kafkajs';
import mysql from 'mysql2/promise';
import { waitForTaskRunning } from '../support/components/debezium-connector';
import type { DatabaseEndpoint } from '../support/components/environment';
import { distribution } from '../support/lib/distribution';
import { eventually } from '../support/lib/eventually';
import type { RunningStack } from '../support/stack/start-stack';
import { type HttpRun, httpLoad } from './http';
import { uncapturedCopyOfUsers } from './raw-mysql';
import { round } from './stats';

export interface SideBySide {
  readonly userdata: HttpRun;
  readonly raw: HttpRun;
  /** userdata's rate as a share of raw mysql2's. */
  readonly ratio: number;
}

export interface UserdataVsRaw {
  readonly connections: number;
  readonly idle: { readonly get: SideBySide; readonly patch: SideBySide };
  readonly running: { readonly get: SideBySide; readonly patch: SideBySide };
}

const columns = 'id, name, email, address, version, created_at, updated_at';

export async function measureUserdataVsRaw(options: {
  readonly stack: RunningStack;
  readonly userIds: readonly number[];
  readonly connections: number;
  readonly seconds: number;
  readonly log: (line: string) => void;
}): Promise<UserdataVsRaw> {
  const { stack, log } = options;
  const rawIds = await uncapturedCopyOfUsers(stack.infrastructure.database, options.userIds.length);
  let pass = 0;
  const compare = async (phase: string) => {
    pass++;
    const both = async (what: 'get' | 'patch'): Promise<SideBySide> => {
      log(`  ${what.toUpperCase()}, pipeline ${phase}: userdata, then raw mysql2…`);
      const userdata = await httpSide(stack.userdataUrl, what, options, pass);
      const raw = await rawSide(stack.infrastructure.database, what, rawIds, options, pass);
      return { userdata, raw, ratio: Number((userdata.requestsPerSecond / raw.requestsPerSecond).toFixed(3)) };
    };
    return { get: await both('get'), patch: await both('patch') };
  };

  const { connect } = stack.infrastructure;
  await fetch(`${connect.url}/connectors/userdata-cdc/pause`, { method: 'PUT' });
  await stack.killPushEmail();
  let idle: UserdataVsRaw['idle'];
  try {
    idle = await compare('idle');
  } finally {
    await fetch(`${connect.url}/connectors/userdata-cdc/resume`, { method: 'PUT' });
    await waitForTaskRunning(connect.url);
    await stack.restartPushEmail();
  }
  log('  the pipeline catches up with the changes made while it was idle…');
  await untilCaughtUp(stack);
  return { connections: options.connections, idle, running: await compare('running') };
}

async function httpSide(
  url: string,
  what: 'get' | 'patch',
  options: { readonly userIds: readonly number[]; readonly connections: number; readonly seconds: number },
  pass: number,
): Promise<HttpRun> {
  let index = 0;
  return httpLoad({
    url,
    method: what === 'get' ? 'GET' : 'PATCH',
    connections: options.connections,
    durationSeconds: options.seconds,
    request: () => {
      const i = index++;
      const path = `/users/${options.userIds[i % options.userIds.length]}`;
      return what === 'get' ? { path } : { path, body: { address: `side ${pass}-${i}` } };
    },
  });
}

/** The repository's statements for a GET (one SELECT) or a PATCH (a transaction: UPDATE, read-back, COMMIT). */
async function rawSide(
  database: DatabaseEndpoint,
  what: 'get' | 'patch',
  ids: readonly number[],
  options: { readonly connections: number; readonly seconds: number },
  pass: number,
): Promise<HttpRun> {
  const pool = mysql.createPool({
    host: database.host,
    port: database.port,
    database: database.name,
    ...database.userdata,
    connectionLimit: options.connections,
  });
  const latencies: number[] = [];
  const deadline = Date.now() + options.seconds * 1000;
  const started = Date.now();
  try {
    await Promise.all(
      Array.from({ length: options.connections }, async (_, worker) => {
        for (let i = worker; Date.now() < deadline; i += options.connections) {
          const id = ids[i % ids.length] as number;
          const begun = performance.now();
          if (what === 'get') {
            await pool.execute(`SELECT ${columns} FROM bench_raw WHERE id = ?`, [id]);
          } else {
            const address = `side ${pass}-${i}`;
            const connection = await pool.getConnection();
            try {
              await connection.query('START TRANSACTION');
              await connection.execute(
                'UPDATE bench_raw SET version = IF(BINARY address <=> BINARY ?, version, version + 1), address = ? WHERE id = ?',
                [address, address, id],
              );
              await connection.execute(`SELECT ${columns} FROM bench_raw WHERE id = ?`, [id]);
              await connection.query('COMMIT');
            } finally {
              connection.release();
            }
          }
          latencies.push(performance.now() - begun);
        }
      }),
    );
  } finally {
    await pool.end();
  }
  const spread = distribution(latencies);
  return {
    requestsPerSecond: round2((latencies.length * 1000) / (Date.now() - started)),
    p50Ms: Math.round(spread.p50),
    p99Ms: Math.round(spread.p99),
    non2xx: 0,
  };
}

/** Until push-email's consumer group has committed every record of the change topic. */
async function untilCaughtUp(stack: RunningStack): Promise<void> {
  const kafka = new Kafka({
    clientId: 'bench-lag',
    brokers: [...stack.infrastructure.kafka.brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  let behind = Number.NaN;
  try {
    await eventually(
      async () => {
        const ends = await admin.fetchTopicOffsets(stack.changeTopic);
        const [committed] = await admin.fetchOffsets({ groupId: stack.pushEmailGroupId, topics: [stack.changeTopic] });
        behind = ends.reduce((sum, end) => {
          const done = Number(committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
          return sum + Math.max(0, Number(end.high) - Math.max(done, 0));
        }, 0);
        return behind === 0 ? true : undefined;
      },
      {
        awaiting: 'push-email to catch up',
        timeoutMs: 600_000,
        intervalMs: 500,
        lastSeen: () => `${behind} records behind`,
      },
    );
  } finally {
    await admin.disconnect();
  }
}

const round2 = (value: number): number => round(value, 1);
