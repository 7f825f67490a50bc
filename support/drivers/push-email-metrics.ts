/** Reads push-email's Prometheus metrics, as a monitoring system would. */
export class PushEmailMetrics {
  constructor(private readonly metricsUrl: string) {}

  /** Records whose handling failed for now and was scheduled again, since this push-email process started. */
  retries(): Promise<number> {
    return this.counter('push_email_retries_total');
  }

  /** A counter summed over its labels (0 before its first count); an error when push-email does not expose it. */
  async counter(name: string): Promise<number> {
    const response = await fetch(this.metricsUrl, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`GET ${this.metricsUrl} answered ${response.status}`);
    const lines = (await response.text()).split('\n');
    if (!lines.includes(`# TYPE ${name} counter`)) throw new Error(`${this.metricsUrl} has no counter ${name}`);
    return lines
      .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }
}
