import { Agent, request } from 'node:http';

/** One request of a load run: when it was meant to go, when it went, and when its answer came. */
export interface Sent {
  readonly token: string;
  readonly scheduledAt: number;
  readonly respondedAt: number;
  readonly status: number;
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
