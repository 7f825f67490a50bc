import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { ConsumerMetrics } from '../kafka/change-consumer';

/** push-email's Prometheus metrics, served at /metrics. */
export class PrometheusMetrics implements ConsumerMetrics {
  readonly registry = new Registry();
  private readonly events = new Counter({
    name: 'push_email_events_consumed_total',
    help: 'Records read from the change topic, by kind (created, updated, deleted, snapshot, tombstone, truncate)',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly emails = new Counter({
    name: 'push_email_emails_sent_total',
    help: 'Emails the mail server accepted',
    registers: [this.registry],
  });
  private readonly duplicates = new Counter({
    name: 'push_email_emails_already_delivered_total',
    help: 'Emails not sent again because the delivery log had them (replayed changes)',
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: 'push_email_retries_total',
    help: 'Records whose handling failed and was scheduled again (mail server or database unavailable)',
    registers: [this.registry],
  });
  private readonly deadLetters = new Counter({
    name: 'push_email_dead_letters_total',
    help: 'Records sent to the dead-letter topic because they are not change events',
    registers: [this.registry],
  });
  private readonly lag = new Histogram({
    name: 'push_email_end_to_end_lag_seconds',
    help: "From the database's commit of a change to the mail server's acceptance of its email",
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'push_email_' });
  }

  consumed(kind: string): void {
    this.events.inc({ kind });
  }
  delivered(sent: number, alreadyDelivered: number): void {
    this.emails.inc(sent);
    this.duplicates.inc(alreadyDelivered);
  }
  retried(): void {
    this.retries.inc();
  }
  deadLettered(): void {
    this.deadLetters.inc();
  }
  endToEndLag(seconds: number): void {
    this.lag.observe(seconds);
  }
}
