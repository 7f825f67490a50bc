/** Reads push-email's Prometheus metrics, as a monitoring system would. */
export class PushEmailMetrics {
  constructor(private readonly metricsUrl: string) {}

  /** Records whose handling failed and was scheduled again, since this push-email process started. */
  retries(): Promise<number> {
    return this.counter('push_email_retries_total');
  }

  /** The value of an unlabelled counter; an error when push-email does not expose it. */
  async counter(name: string): Promise<number> {
    const response = await fetch(this.metricsUrl, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`GET ${this.metricsUrl} answered ${response.status}`);
    const text = await response.text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
    const value = Number(line?.slice(name.length + 1));
    if (line === undefined || Number.isNaN(value)) throw new Error(`${this.metricsUrl} has no counter ${name}`);
    return value;
  }
}
