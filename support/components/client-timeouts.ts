/**
 * The clients' timeouts in the stacks the harness starts: shorter than the products' defaults (30 s and more), so
 * that a fault spec which freezes a component for longer than every one of them takes seconds, not minutes. The
 * deployments (k8s/) keep the defaults.
 */
export const harnessClientTimeouts = {
  /** push-email's consumer group session: how soon a silent instance's partitions move on. */
  pushEmailKafkaSessionMs: 6_000,
  /** push-email's requests to a broker. */
  pushEmailKafkaRequestMs: 10_000,
  /** Kafka Connect's worker group session (Kafka's default): how soon a silent worker's connector moves on. */
  connectWorkerSessionMs: 10_000,
  /** Requests of Kafka Connect's producers (Debezium's events) and consumers to a broker. */
  connectClientRequestMs: 10_000,
  /** Every statement and new connection of userdata: past it, a 503 with Retry-After. */
  userdataStatementMs: 5_000,
} as const;

/** A fault that lasts longer than this has outlasted every client's session and request timeout. */
export const longestClientTimeoutMs = Math.max(...Object.values(harnessClientTimeouts));

/** The Connect worker properties that apply them (beside connectWorkerSettings, which the deployments share). */
export const harnessConnectTimeoutSettings: Readonly<Record<string, string>> = {
  'session.timeout.ms': String(harnessClientTimeouts.connectWorkerSessionMs),
  'heartbeat.interval.ms': String(Math.floor(harnessClientTimeouts.connectWorkerSessionMs / 3)),
  'producer.request.timeout.ms': String(harnessClientTimeouts.connectClientRequestMs),
  'consumer.request.timeout.ms': String(harnessClientTimeouts.connectClientRequestMs),
};
