import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { NotificationOutcome } from '../../interactors/notify-user-of-change.interactor';
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
  private readonly alreadySetAside = new Counter({
    name: 'push_email_emails_already_set_aside_total',
    help: 'Emails not tried again because they were set aside before (replayed changes)',
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: 'push_email_retries_total',
    help: 'Records whose handling failed for now and was scheduled again, by reason (mail server or database unavailable, …)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly deadLetters = new Counter({
    name: 'push_email_dead_letters_total',
    help: 'Failures for good that sent a record to the dead-letter topic, by reason (not-json, recipient-refused, …)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly stalledSince = new Gauge({
    name: 'push_email_partition_stalled_since_seconds',
    help: 'Per partition held up by a record that keeps failing for now: since when (Unix time); absent when it moves',
    labelNames: ['topic', 'partition'],
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
  delivered(outcome: NotificationOutcome): void {
    this.emails.inc(outcome.sent);
    this.duplicates.inc(outcome.alreadyDelivered);
    this.alreadySetAside.inc(outcome.alreadySetAside);
  }
  retried(reason: string): void {
    this.retries.inc({ reason });
  }
  deadLettered(reason: string): void {
    this.deadLetters.inc({ reason });
  }
  stalled(topic: string, partition: number, since: Date | undefined): void {
    const labels = { topic, partition: String(partition) };
    if (since) this.stalledSince.set(labels, since.getTime() / 1000);
    else this.stalledSince.remove(labels);
  }
  endToEndLag(seconds: number): void {
    this.lag.observe(seconds);
  }
}
