import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { MalformedRequest } from './malformed-requests';

/** A user as the userdata API returns it. */
export interface UserResource {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly address: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface UserDetails {
  readonly name: string;
  readonly email: string;
  readonly address: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly contentType: string;
  readonly headers: Headers;
  readonly body: unknown;
}

/** An RFC 9457 problem document as userdata writes it. */
export interface ProblemDocument {
  readonly status: number;
  readonly title: string;
  readonly code?: string;
  readonly errors?: readonly { readonly field: string; readonly message: string }[];
}

/** What userdata answered to one malformed request; status 0 when the request got no answer at all. */
export interface MalformedAnswer {
  readonly request: MalformedRequest;
  readonly status: number;
  readonly contentType: string;
  readonly body: unknown;
}

/**
 * Drives the userdata REST API over real HTTP, as any client would. The methods named `tryTo…` return the answer,
 * refusals included, for the specs about what userdata refuses; the others expect success and throw otherwise.
 */
export class UserdataClient {
  constructor(private readonly baseUrl: string) {}

  async register(details: UserDetails): Promise<UserResource> {
    return this.expectOk(await this.tryToRegister(details), 'register a user');
  }

  async change(id: number, changes: Partial<UserDetails>): Promise<UserResource> {
    return this.expectOk(await this.tryToChange(id, changes), `change user ${id}`);
  }

  async delete(id: number): Promise<void> {
    const response = await this.request('DELETE', `/users/${id}`);
    if (response.status !== 204)
      throw new Error(`Could not delete user ${id}: ${response.status} ${JSON.stringify(response.body)}`);
  }

  async get(id: number): Promise<UserResource> {
    return this.expectOk(await this.tryToRead(id), `read user ${id}`);
  }

  tryToRegister(details: UserDetails): Promise<ApiResponse> {
    return this.request('POST', '/users', details);
  }

  /**
   * `basedOn` is the version of the details the change was made from: userdata refuses the change (412) when the
   * user has changed since. Without it the change applies to whatever the details are now.
   */
  tryToChange(id: number, changes: Partial<UserDetails>, { basedOn }: { basedOn?: number } = {}): Promise<ApiResponse> {
    return this.request('PATCH', `/users/${id}`, changes, basedOn === undefined ? {} : { 'if-match': `"${basedOn}"` });
  }

  tryToRead(id: number): Promise<ApiResponse> {
    return this.request('GET', `/users/${id}`);
  }

  /** GET /ready: 200 while userdata can do its job, 503 problem+json while its database does not answer. */
  readiness(): Promise<ApiResponse> {
    return this.request('GET', '/ready');
  }

  /**
   * Sends each request exactly as given, one after the other, as a client that sends what a well-behaved one never
   * would. A request that gets no answer (the connection dropped) is kept with status 0 and the error as its body.
   */
  async answersTo(requests: readonly MalformedRequest[]): Promise<MalformedAnswer[]> {
    const answers: MalformedAnswer[] = [];
    for (const request of requests) {
      const { status, contentType, body } = await this.send(
        request.method,
        request.path,
        request.headers,
        request.body,
      ).catch((error: Error) => ({ status: 0, contentType: '', body: `${error.message}: ${String(error.cause)}` }));
      answers.push({ request, status, contentType, body });
    }
    return answers;
  }

  private request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const json: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    return this.send(method, path, { ...json, ...headers }, body === undefined ? undefined : JSON.stringify(body));
  }

  /**
   * One HTTP request with node:http rather than fetch: a server may answer (413) before it has read an oversized
   * body, and then close the connection; a client is to read that answer while it still sends (RFC 9112, 9.6),
   * which fetch does not do (it reports the EPIPE of the unsent rest instead of the answer).
   */
  private send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<ApiResponse> {
    const url = new URL(path, this.baseUrl);
    // As curl does for a large body: ask first (Expect: 100-continue), so that a refusal (413) comes before the body
    // is sent at all, and the server's close after it cannot take the answer down with it.
    const large = body !== undefined && Buffer.byteLength(body) > largeBodyBytes;
    const options = { method, headers: large ? { ...headers, expect: '100-continue' } : headers, agent: false };
    return new Promise<ApiResponse>((resolve, reject) => {
      let answered = false;
      const request = httpRequest(url, options, (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => resolve(toApiResponse(response.statusCode ?? 0, response.headers, chunks)));
      });
      // Once the answer is in, a failure to send the rest of the body is the server's closing, not an error.
      request.on('error', (error) => {
        if (!answered) reject(error);
      });
      request.setTimeout(30_000, () => request.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
      if (large) {
        request.once('continue', () => request.end(body));
        request.flushHeaders();
      } else {
        request.end(body);
      }
    });
  }

  private expectOk(response: ApiResponse, what: string): UserResource {
    if (response.status >= 200 && response.status < 300) return response.body as UserResource;
    throw new Error(`Could not ${what}: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

/** Bodies larger than this are sent only once the server said to go on (the API's limit is 16 KiB). */
const largeBodyBytes = 32 * 1024;

function toApiResponse(status: number, headers: IncomingHttpHeaders, chunks: readonly Buffer[]): ApiResponse {
  const text = Buffer.concat(chunks).toString('utf8');
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined) responseHeaders.append(name, one);
  }
  const contentType = responseHeaders.get('content-type') ?? '';
  return {
    status,
    contentType,
    headers: responseHeaders,
    body: text && contentType.includes('json') ? JSON.parse(text) : text,
  };
}
