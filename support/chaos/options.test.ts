import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSeed, parseChaosOptions, shortSeed } from './options';
import { fullShape, shortShape } from './schedule';

describe('parseChaosOptions', () => {
  it('runs five minutes at 20 changes/s over 50 people with the default seed, unless told otherwise', () => {
    assert.deepEqual(parseChaosOptions([]), {
      seed: defaultSeed,
      runMs: 300_000,
      ratePerSecond: 20,
      people: 50,
      short: false,
      json: false,
      shape: fullShape,
    });
  });

  it('--short: its own seed, shape and duration, each still overridable', () => {
    assert.deepEqual(parseChaosOptions(['--short']), {
      seed: shortSeed,
      runMs: 40_000,
      ratePerSecond: 20,
      people: 50,
      short: true,
      json: false,
      shape: shortShape,
    });
    const replay = parseChaosOptions(['--short', '--seed', '7', '--duration', '50s', '--rate', '12.5', '--json']);
    assert.ok(replay !== 'help');
    assert.deepEqual([replay.seed, replay.runMs, replay.ratePerSecond, replay.json], [7, 50_000, 12.5, true]);
  });

  it('reads durations in seconds or with a unit', () => {
    const runMs = (duration: string) => {
      const options = parseChaosOptions(['--duration', duration]);
      return options === 'help' ? undefined : options.runMs;
    };
    assert.deepEqual([runMs('90'), runMs('90s'), runMs('5m'), runMs('1.5m')], [90_000, 90_000, 300_000, 90_000]);
  });

  it('refuses what it cannot read, naming the option', () => {
    assert.throws(() => parseChaosOptions(['--seed=-1']), /--seed -1: a whole number/);
    assert.throws(() => parseChaosOptions(['--seed', 'abc']), /--seed abc/);
    assert.throws(() => parseChaosOptions(['--duration', '5h']), /--duration 5h/);
    assert.throws(() => parseChaosOptions(['--duration', '3']), /at least 10 s/);
    assert.throws(() => parseChaosOptions(['--rate', '0']), /--rate 0: a number above 0/);
    assert.throws(() => parseChaosOptions(['--people', '0']), /--people 0/);
    assert.throws(() => parseChaosOptions(['--sead', '1']), /--sead/);
  });

  it('--help asks for the usage', () => {
    assert.equal(parseChaosOptions(['--help']), 'help');
  });
});
