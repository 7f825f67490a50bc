import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { longestClientTimeoutMs } from '../components/client-timeouts';
import { seededRandom } from './random';
import { chaosComponents, fullShape, planSchedule, shortShape } from './schedule';

describe('seededRandom', () => {
  it('gives the same numbers in [0, 1) for the same seed, and others for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    assert.deepEqual(draw(25), draw(25));
    assert.notDeepEqual(draw(25), draw(26));
    assert.ok(draw(1).every((value) => value >= 0 && value < 1));
  });
});

describe('planSchedule', () => {
  it('replays the same schedule from the same seed, and draws another from another seed', () => {
    assert.deepEqual(planSchedule(25, 300_000, fullShape), planSchedule(25, 300_000, fullShape));
    assert.notDeepEqual(planSchedule(25, 300_000, fullShape), planSchedule(26, 300_000, fullShape));
  });

  it('keeps one seed’s schedule from one version of the harness to the next (a seed in a bug report replays)', () => {
    assert.deepEqual(
      planSchedule(164, 40_000, shortShape).map((f) => [f.atMs, f.component, f.kind, f.durationMs]),
      [
        [4_000, 'connect', 'freeze', 3_347],
        [13_653, 'push-email', 'kill', 1_975],
        [23_396, 'database', 'kill', 1_827],
      ],
    );
  });

  for (const seed of [1, 25, 99, 2024]) {
    it(`seed ${seed}: one fault at a time, apart, within the run and before its tail, every component before any again`, () => {
      const faults = planSchedule(seed, 300_000, fullShape);
      assert.ok(faults.length >= 5, `${faults.length} faults in 5 minutes`);
      assert.equal(faults[0]?.atMs, fullShape.warmupMs);
      for (const [i, fault] of faults.entries()) {
        assert.equal(fault.index, i + 1);
        const next = faults[i + 1];
        if (next) assert.ok(next.atMs >= fault.atMs + fault.durationMs + fullShape.gapMs[0], `#${next.index} waits`);
        assert.ok(fault.atMs + fault.durationMs + fullShape.tailMs <= 300_000);
        const range =
          fault.kind === 'kill'
            ? fullShape.downMs
            : fault.durationMs > longestClientTimeoutMs
              ? fullShape.longFrozenMs
              : fullShape.frozenMs;
        assert.ok(
          fault.durationMs >= range[0] && fault.durationMs <= range[1],
          `#${fault.index} lasts ${fault.durationMs} ms`,
        );
      }
      const firstRound = faults.slice(0, chaosComponents.length).map((fault) => fault.component);
      assert.deepEqual([...firstRound].sort(), [...chaosComponents].sort());
    });
  }

  it('freezes some components for longer than every client timeout in a full run', () => {
    const faults = [1, 2, 3, 4, 5].flatMap((seed) => planSchedule(seed, 300_000, fullShape));
    assert.ok(faults.some((fault) => fault.kind === 'freeze' && fault.durationMs > longestClientTimeoutMs));
    assert.ok(faults.some((fault) => fault.kind === 'kill'));
  });

  it('--short: three faults on three components, none longer than a few seconds', () => {
    const faults = planSchedule(164, 40_000, shortShape);
    assert.equal(faults.length, 3);
    assert.equal(new Set(faults.map((fault) => fault.component)).size, 3);
    assert.ok(faults.every((fault) => fault.durationMs <= 4_000));
  });
});
