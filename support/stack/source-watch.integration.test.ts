import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually } from '../lib/eventually';
import { type ServiceName, servicesAffectedBy, watchServiceSources } from './source-watch';

describe('servicesAffectedBy', () => {
  it('restarts a service for its own folder, both for shared code, neither for tests and fixtures', () => {
    assert.deepEqual(servicesAffectedBy(['userdata/transport/http/app.ts']), ['userdata']);
    assert.deepEqual(servicesAffectedBy(['push-email/templates/details-changed.txt']), ['push-email']);
    assert.deepEqual(servicesAffectedBy(['shared/logger.ts']), ['userdata', 'push-email']);
    assert.deepEqual(
      servicesAffectedBy(['push-email/config.test.ts', 'push-email/transport/kafka/fixtures/a.json']),
      [],
    );
  });
});

describe('watchServiceSources', { timeout: 20_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'source-watch-test-'));
  mkdirSync(join(root, 'src', 'userdata'), { recursive: true });
  mkdirSync(join(root, 'src', 'push-email'), { recursive: true });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('rebuilds, then restarts the service whose code changed, once for a burst of saves', async () => {
    const restarted: ServiceName[] = [];
    const lines: string[] = [];
    let builds = 0;
    const watcher = watchServiceSources({
      root,
      build: async () => {
        builds++;
      },
      restart: async (service) => {
        restarted.push(service);
      },
      log: (line) => lines.push(line),
      debounceMs: 100,
    });
    try {
      for (let i = 0; i < 3; i++) writeFileSync(join(root, 'src', 'push-email', 'main.ts'), `// save ${i}\n`);
      await eventually(() => (lines.length > 0 ? true : undefined), { awaiting: 'a round after the saves' });
      assert.deepEqual(restarted, ['push-email']);
      assert.equal(builds, 1, 'one build for a burst of saves');
      assert.match(
        lines[0] ?? '',
        /^src.push-email.main\.ts changed: built in \d+\.\d s; push-email restarted in \d+\.\d s\.$/,
      );
    } finally {
      watcher.close();
    }
  });

  it('leaves the services as they are when the build fails, and says why', async () => {
    const restarted: ServiceName[] = [];
    const lines: string[] = [];
    const watcher = watchServiceSources({
      root,
      build: async () => {
        throw new Error("src/userdata/main.ts(3,1): error TS2304: Cannot find name 'oops'.");
      },
      restart: async (service) => {
        restarted.push(service);
      },
      log: (line) => lines.push(line),
      debounceMs: 100,
    });
    try {
      writeFileSync(join(root, 'src', 'userdata', 'main.ts'), 'oops\n');
      await eventually(() => (lines.length > 0 ? true : undefined), { awaiting: 'the failed round' });
      assert.deepEqual(restarted, []);
      assert.match(lines[0] ?? '', /the build failed, the services keep running their previous code\.\n.*TS2304/);
      assert.match(watcher.buildFailure ?? '', /TS2304/);
    } finally {
      watcher.close();
    }
  });

  it('says when the services run the code on disk: settled() waits for the change saved and its round', async () => {
    let release: (() => void) | undefined;
    const restarts: ServiceName[] = [];
    const watcher = watchServiceSources({
      root,
      build: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      restart: async (service) => {
        restarts.push(service);
      },
      log: () => {},
      debounceMs: 100,
    });
    try {
      assert.equal(watcher.busy, false);
      await watcher.settled(); // nothing changed: at once
      writeFileSync(join(root, 'src', 'userdata', 'main.ts'), '// saved\n');
      await eventually(() => (watcher.busy ? true : undefined), { awaiting: 'the watcher to see the save' });
      let settled = false;
      const settling = watcher.settled().then(() => {
        settled = true;
      });
      await eventually(() => release, { awaiting: 'the round to build' });
      assert.equal(settled, false, 'settled before the build ended');
      release?.();
      await settling;
      assert.deepEqual(restarts, ['userdata']);
      assert.equal(watcher.busy, false);
      assert.equal(watcher.buildFailure, undefined);
    } finally {
      watcher.close();
    }
  });
});
