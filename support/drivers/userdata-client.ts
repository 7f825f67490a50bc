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

/** Drives the userdata REST API over real HTTP, as any client would. */
export class UserdataClient {
  constructor(private readonly baseUrl: string) {}

  async register(details: UserDetails): Promise<UserResource> {
    return this.expectOk(await this.request('POST', '/users', details), 'register a user');
  }

  async change(id: number, changes: Partial<UserDetails>): Promise<UserResource> {
    return this.expectOk(await this.request('PATCH', `/users/${id}`, changes), `change user ${id}`);
  }

  async delete(id: number): Promise<void> {
    const response = await this.request('DELETE', `/users/${id}`);
    if (response.status !== 204)
      throw new Error(`Could not delete user ${id}: ${response.status} ${JSON.stringify(response.body)}`);
  }

  async get(id: number): Promise<UserResource> {
    return this.expectOk(await this.request('GET', `/users/${id}`), `read user ${id}`);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> {
    return this.send(
      method,
      path,
      {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body === undefined ? undefined : JSON.stringify(body),
    );
  }

  /** A request exactly as given: for the specs that send what a well-behaved client never would. */
  async send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<ApiResponse> {
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
