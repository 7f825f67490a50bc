import assert from 'node:assert/strict';
import Ajv2020, { type AnySchema, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, OpenApiResponse> }>>;
  components?: Record<string, unknown>;
}
interface OpenApiResponse {
  content?: Record<string, { schema: unknown }>;
  headers?: Record<string, unknown>;
}

/**
 * For tests: checks that a response is one the OpenAPI document promises — its path, method and status are
 * documented, its content type is the documented one, and its body validates against the documented schema.
 */
export class OpenApiConformance {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly doc: OpenApiDocument;
  private readonly routes: { method: string; template: string; pattern: RegExp }[];

  constructor(doc: object) {
    this.doc = doc as OpenApiDocument;
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi.json', components: this.doc.components ?? {} });
    this.routes = Object.entries(this.doc.paths).flatMap(([template, operations]) =>
      Object.keys(operations).map((method) => ({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      })),
    );
  }

  /** Asserts the response conforms; reads a clone, so the caller can still read the body. */
  async check(method: string, url: string, response: Response): Promise<void> {
    const path = new URL(url, 'http://api').pathname;
    const what = `${method} ${path} → ${response.status}`;
    const route = this.routes.find((r) => r.method === method && r.pattern.test(path));
    if (!route) {
      // Unknown routes and methods are not in the document; they must still be problem documents.
      assert.equal(response.status, 404, `${what}: no documented route, and not a 404`);
      assert.equal(response.headers.get('content-type'), 'application/problem+json', what);
      return;
    }
    const documented = this.doc.paths[route.template]?.[method.toLowerCase()]?.responses[String(response.status)];
    assert.ok(documented, `${what}: status ${response.status} is not documented for ${method} ${route.template}`);
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0] ?? '';
    if (!documented.content) {
      assert.equal(await response.clone().text(), '', `${what}: documented without a body`);
      return;
    }
    const media = documented.content[contentType];
    assert.ok(media, `${what}: content type ${contentType || '(none)'} is not documented`);
    for (const header of Object.keys(documented.headers ?? {})) {
      assert.ok(response.headers.has(header), `${what}: documented header ${header} is missing`);
    }
    const validate = this.validator(`${route.template} ${method} ${response.status} ${contentType}`, media.schema);
    const body: unknown = await response.clone().json();
    assert.ok(validate(body), `${what}: body does not match the document: ${this.ajv.errorsText(validate.errors)}`);
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(rebase(schema) as AnySchema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/** Points the document's local references (#/components/…) at the copy of the document Ajv holds. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `openapi.json${value}` : rebase(value),
    ]),
  );
}
