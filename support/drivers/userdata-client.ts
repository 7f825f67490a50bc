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

  private async send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<ApiResponse> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      contentType,
      headers: response.headers,
      body: text && contentType.includes('json') ? JSON.parse(text) : text,
    };
  }

  private expectOk(response: ApiResponse, what: string): UserResource {
    if (response.status >= 200 && response.status < 300) return response.body as UserResource;
    throw new Error(`Could not ${what}: ${response.status} ${JSON.stringify(response.body)}`);
  }
}
