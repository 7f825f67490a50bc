/** A user as the userdata API returns it. */
export interface UserResource {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly address: string;
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
  readonly body: unknown;
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

  async get(id: number): Promise<UserResource> {
    return this.expectOk(await this.request('GET', `/users/${id}`), `read user ${id}`);
  }

  async request(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: text ? JSON.parse(text) : undefined,
    };
  }

  private expectOk(response: ApiResponse, what: string): UserResource {
    if (response.status >= 200 && response.status < 300) return response.body as UserResource;
    throw new Error(`Could not ${what}: ${response.status} ${JSON.stringify(response.body)}`);
  }
}
