import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';

/** Swagger UI at /docs, served from the swagger-ui-dist package: it works without reaching a CDN. */
export function docsRoutes(openApiPath: string): Hono {
  const assets = dirname(require.resolve('swagger-ui-dist/package.json'));
  const read = memo((file: string) => readFileSync(join(assets, file)));
  const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>userdata API</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div><script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body>
</html>`;
  const init = `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(openApiPath)}, dom_id: '#swagger-ui' });`;
  return new Hono()
    .get('/', (c) => c.html(page))
    .get('/init.js', (c) => c.body(init, 200, { 'content-type': 'text/javascript; charset=utf-8' }))
    .get('/swagger-ui.css', (c) => c.body(read('swagger-ui.css'), 200, { 'content-type': 'text/css; charset=utf-8' }))
    .get('/swagger-ui-bundle.js', (c) =>
      c.body(read('swagger-ui-bundle.js'), 200, { 'content-type': 'text/javascript; charset=utf-8' }),
    );
}

function memo<T>(load: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, load(key));
    return cache.get(key) as T;
  };
}
