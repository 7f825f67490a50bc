import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { BenchResults } from './summary';

/** Every number in a tree of results, with its path. */
function numbersIn(value: unknown, path = ''): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => numbersIn(child, `${path}.${key}`));
}

// The benchmark's figures are not asserted (they belong to the machine); that it still runs end to end and produces
// them is, so that `npm run bench` cannot rot between the runs that quote it.
describe('npm run bench -- --quick', { timeout: 10 * 60_000 }, () => {
  it('runs every phase on the real stack and writes figures for each', () => {
    const out = mkdtempSync(join(tmpdir(), 'cdc-bench-test-'));
    try {
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(__dirname, 'main.ts'), '--quick', '--out', out],
        { encoding: 'utf8' },
      );
      assert.equal(run.status, 0, `the benchmark failed:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
      assert.equal(results.quick, true);
      assert.ok(results.latency.tuned.updates > 0 && results.latency.defaults.updates > 0);
      assert.ok(results.throughput.runs.length > 0);
      assert.ok(results.throughput.rawMysqlUpdatesPerSecond > 0);
      assert.ok(results.http.read.requestsPerSecond > 0 && results.http.update.requestsPerSecond > 0);
      const { capture, delivery } = results.backlog;
      for (const [what, measured] of Object.entries({
        debezium: capture.debezium,
        rawProducer: capture.rawProducer,
        pushEmail: delivery.pushEmail,
        bareNodemailer: delivery.bareNodemailer,
      })) {
        assert.ok(measured.count > 0 && measured.perSecond > 0, `no backlog figure for ${what}`);
      }
      assert.equal(delivery.pushEmail.count, results.backlog.changes, 'push-email emailed the whole backlog');
      assert.ok(delivery.ratio > 0);
      for (const phase of [results.userdataVsRaw.idle, results.userdataVsRaw.running]) {
        for (const side of [phase.get, phase.patch]) {
          assert.ok(side.userdata.requestsPerSecond > 0 && side.raw.requestsPerSecond > 0 && side.ratio > 0);
        }
      }
      for (const chart of ['throughput-ladder.svg', 'latency-distribution.svg']) {
        assert.match(readFileSync(join(out, chart), 'utf8'), /^<svg[^>]*>[\s\S]*<\/svg>$/, `${chart} is an SVG`);
      }
      const database = 'MySQL' in results.memoryMiB.idle ? 'MySQL' : 'MariaDB';
      for (const component of [database, 'Kafka', 'Kafka Connect', 'userdata', 'push-email']) {
        assert.ok((results.memoryMiB.idle[component] ?? 0) > 0, `no idle memory reading for ${component}`);
      }
      const notFinite = numbersIn(results).filter(([, value]) => !Number.isFinite(value));
      assert.deepEqual(notFinite, [], 'figures that are not numbers');
      assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), /End-to-end latency/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
