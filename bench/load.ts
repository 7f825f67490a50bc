import { Agent, request } from 'node:http';

/** One request of a load run: when it was meant to go, when it went, and when its answer came. */
export interface Sent {
  readonly token: string;
  readonly scheduledAt: number;
  readonly respondedAt: number;
  readonly status: number;
}

/**
 * Open-loop load: requests leave on a fixed schedule whatever the answers do, so a slow system is measured as slow
 * (latency counts from the scheduled time) rather than slowing the load down. Times are epoch milliseconds.
 */
export async function openLoop(options: {
  readonly ratePerSecond: number;
  readonly durationMs: number;
  readonly send: (index: number) => Promise<Omit<Sent, 'scheduledAt'>>;
}): Promise<Sent[]> {
  const total = Math.max(1, Math.round((options.ratePerSecond * options.durationMs) / 1000));
  const start = Date.now();
  const inFlight: Promise<Sent>[] = [];
  let next = 0;
  while (next < total) {
    const now = Date.now();
    while (next < total && start + (next * 1000) / options.ratePerSecond <= now) {
      const scheduledAt = start + (next * 1000) / options.ratePerSecond;
      inFlight.push(options.send(next).then((sent) => ({ ...sent, scheduledAt })));
      next++;
    }
    // The schedule's tick, not a wait for an effect: the next request is due at a known time.
    if (next < total) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return Promise.all(inFlight);
}

/** A keep-alive HTTP client for the load, with a bounded number of connections (the load's concurrency). */
export class HttpLoadClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    connections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  patch(path: string, body: unknown): Promise<{ status: number; respondedAt: number }> {
    const payload = JSON.stringify(body);
    const url = new URL(path, this.baseUrl);
    return new Promise((resolve) => {
      const req = request(
        url,
        {
          method: 'PATCH',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0, respondedAt: Date.now() }));
        },
      );
      req.on('error', () => resolve({ status: 0, respondedAt: Date.now() }));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
