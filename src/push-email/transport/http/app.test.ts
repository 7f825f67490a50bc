import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHealthApp } from './app';
import { PrometheusMetrics } from './prometheus-metrics';

const ok = async (): Promise<void> => undefined;
const outcome = { sent: 2, alreadyDelivered: 1, alreadySetAside: 1, setAside: [] };

describe('push-email health endpoints', () => {
  it('answers /health while the consumer runs, and 503 naming it once it never will', async () => {
    const metrics = new PrometheusMetrics().registry;
    let consumer = 'running';
    const app = createHealthApp({
      liveness: {
        consumer: () => {
          if (consumer === 'failed') throw new Error('crashed, and kafkajs will not restart it');
        },
      },
      readiness: {},
      metrics,
    });
    assert.equal((await app.request('/health')).status, 200);
    consumer = 'failed';
    const response = await app.request('/health');
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), {
      status: 'unhealthy',
      checks: { consumer: 'crashed, and kafkajs will not restart it' },
    });
  });

  it('is ready only when every dependency answers, and says which does not', async () => {
    const metrics = new PrometheusMetrics().registry;
    const ready = createHealthApp({ liveness: {}, readiness: { kafka: ok, smtp: ok, database: ok }, metrics });
    assert.equal((await ready.request('/ready')).status, 200);
    const smtpDown = createHealthApp({
      liveness: {},
      readiness: {
        kafka: ok,
        smtp: async () => {
          throw new Error('connect ECONNREFUSED 127.0.0.1:1025');
        },
        database: ok,
      },
      metrics,
    });
    const response = await smtpDown.request('/ready');
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), {
      status: 'not ready',
      checks: { kafka: 'ok', smtp: 'connect ECONNREFUSED 127.0.0.1:1025', database: 'ok' },
      stalled: [],
    });
  });

  it('lists on /ready the partitions held up, since when and why', async () => {
    const since = new Date('2026-12-01T10:00:00.000Z');
    const stall = {
      topic: 'cdc.info-user',
      partition: 3,
      offset: '41',
      since,
      attempts: 7,
      reason: 'mail-server-unavailable',
      error: 'ECONNREFUSED',
    };
    const app = createHealthApp({
      liveness: {},
      readiness: { kafka: ok },
      stalled: () => [stall],
      metrics: new PrometheusMetrics().registry,
    });
    const body = (await (await app.request('/ready')).json()) as { stalled: unknown[] };
    assert.deepEqual(body.stalled, [{ ...stall, since: '2026-12-01T10:00:00.000Z' }]);
  });

  it('serves the delivery metrics in the Prometheus text format', async () => {
    const metrics = new PrometheusMetrics();
    metrics.consumed('updated');
    metrics.delivered(outcome);
    metrics.retried('mail-server-unavailable');
    metrics.deadLettered('recipient-refused');
    metrics.stalled('cdc.info-user', 3, new Date(1_700_000_000_000));
    metrics.stalled('cdc.info-user', 4, new Date(1_700_000_000_000));
    metrics.stalled('cdc.info-user', 4, undefined);
    metrics.endToEndLag(0.08);
    const app = createHealthApp({ liveness: {}, readiness: {}, metrics: metrics.registry });
    const response = await app.request('/metrics');
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await response.text();
    assert.match(text, /^push_email_events_consumed_total\{kind="updated"\} 1$/m);
    assert.match(text, /^push_email_emails_sent_total 2$/m);
    assert.match(text, /^push_email_emails_already_delivered_total 1$/m);
    assert.match(text, /^push_email_emails_already_set_aside_total 1$/m);
    assert.match(text, /^push_email_retries_total\{reason="mail-server-unavailable"\} 1$/m);
    assert.match(text, /^push_email_dead_letters_total\{reason="recipient-refused"\} 1$/m);
    assert.match(
      text,
      /^push_email_partition_stalled_since_seconds\{topic="cdc.info-user",partition="3"\} 1700000000$/m,
    );
    assert.doesNotMatch(text, /partition="4"/);
    assert.match(text, /^push_email_end_to_end_lag_seconds_bucket\{le="0.1"\} 1$/m);
    assert.match(text, /^push_email_end_to_end_lag_seconds_count 1$/m);
  });
});
