import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHealthApp } from './app';
import { PrometheusMetrics } from './prometheus-metrics';

const ok = async (): Promise<void> => undefined;

describe('push-email health endpoints', () => {
  it('answers /health while the process runs', async () => {
    const app = createHealthApp({ readiness: {}, metrics: new PrometheusMetrics().registry });
    assert.equal((await app.request('/health')).status, 200);
  });

  it('is ready only when every dependency answers, and says which does not', async () => {
    const metrics = new PrometheusMetrics().registry;
    const ready = createHealthApp({ readiness: { kafka: ok, smtp: ok, database: ok }, metrics });
    assert.equal((await ready.request('/ready')).status, 200);
    const smtpDown = createHealthApp({
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
    });
  });

  it('serves the delivery metrics in the Prometheus text format', async () => {
    const metrics = new PrometheusMetrics();
    metrics.consumed('updated');
    metrics.delivered(2, 1);
    metrics.retried();
    metrics.deadLettered();
    metrics.endToEndLag(0.08);
    const app = createHealthApp({ readiness: {}, metrics: metrics.registry });
    const response = await app.request('/metrics');
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await response.text();
    assert.match(text, /^push_email_events_consumed_total\{kind="updated"\} 1$/m);
    assert.match(text, /^push_email_emails_sent_total 2$/m);
    assert.match(text, /^push_email_emails_already_delivered_total 1$/m);
    assert.match(text, /^push_email_retries_total 1$/m);
    assert.match(text, /^push_email_dead_letters_total 1$/m);
    assert.match(text, /^push_email_end_to_end_lag_seconds_bucket\{le="0.1"\} 1$/m);
    assert.match(text, /^push_email_end_to_end_lag_seconds_count 1$/m);
  });
});
