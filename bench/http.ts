import autocannon from 'autocannon';

export interface HttpRun {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
}

/** autocannon against one userdata endpoint at a fixed number of connections. */
export async function httpLoad(options: {
  readonly url: string;
  readonly method: 'GET' | 'PATCH';
  readonly connections: number;
  readonly durationSeconds: number;
  /** The path (and for PATCH the body) of each request: every update really changes a row. */
  readonly request: () => { readonly path: string; readonly body?: unknown };
}): Promise<HttpRun> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: options.method,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          const { path, body } = options.request();
          return { ...request, path, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
  };
}
