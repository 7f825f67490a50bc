import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ComponentControl } from '../lib/supervisor';
import type { StackComponent } from '../stack/start-stack';
import { type FaultRun, runFaults } from './fault-runner';
import { chaosComponents, type PlannedFault, type ScheduleShape, shortShape } from './schedule';

/** Components that only say what was done to them, in order. */
function recordingComponents(calls: string[]): Record<StackComponent, ComponentControl> {
  const control = (name: StackComponent): ComponentControl => ({
    name,
    state: 'running',
    kill: async () => void calls.push(`kill ${name}`),
    restart: async () => void calls.push(`restart ${name}`),
    freeze: async () => void calls.push(`freeze ${name}`),
    thaw: async () => void calls.push(`thaw ${name}`),
  });
  return Object.fromEntries(chaosComponents.map((name) => [name, control(name)])) as Record<
    StackComponent,
    ComponentControl
  >;
}

/** Milliseconds instead of seconds: the runner's waits, not the shape's sizes, are under test. */
const shape: ScheduleShape = { ...shortShape, warmupMs: 0, tailMs: 50, gapMs: [20, 20] };

describe('runFaults', () => {
  it('makes one fault at a time: each ends, the stack is ready and changes flow again before the next begins', async () => {
    const calls: string[] = [];
    const schedule: PlannedFault[] = [
      { index: 1, atMs: 0, component: 'database', kind: 'kill', durationMs: 30 },
      { index: 2, atMs: 10, component: 'kafka', kind: 'freeze', durationMs: 20 },
    ];
    const run: FaultRun = { applied: [], skipped: [] };
    const loadStartedAt = Date.now();
    await runFaults(
      schedule,
      {
        components: recordingComponents(calls),
        loadStartedAt,
        runMs: 10_000,
        shape,
        untilReady: async () => void calls.push('ready?'),
        untilFlowing: async (since) =>
          void calls.push(`flowing since the end? ${since === run.applied.at(-1)?.endedAt}`),
        log: () => undefined,
      },
      run,
    );
    assert.deepEqual(calls, [
      'kill database',
      'restart database',
      'ready?',
      'flowing since the end? true',
      'freeze kafka',
      'thaw kafka',
      'ready?',
      'flowing since the end? true',
    ]);
    const [first, second] = run.applied;
    assert.ok(first && second);
    assert.ok(first.endedAt - first.startedAt >= 29, 'down for its planned time');
    assert.ok(first.flowingAt !== undefined && first.readyAt !== undefined);
    assert.ok(
      second.startedAt - first.flowingAt >= shape.gapMs[0] - 1,
      'the next waits for the gap after the recovery',
    );
    assert.equal(run.inProgress, undefined);
  });

  it('skips a fault the ones before pushed into the tail of the run, and says why', async () => {
    const run: FaultRun = { applied: [], skipped: [] };
    await runFaults(
      [
        { index: 1, atMs: 0, component: 'userdata', kind: 'kill', durationMs: 40 },
        // Planned to end at 80 ms, before the tail (the last 50 of 150 ms); after the first and its gap, at 120 ms.
        { index: 2, atMs: 20, component: 'connect', kind: 'kill', durationMs: 60 },
      ],
      {
        components: recordingComponents([]),
        loadStartedAt: Date.now(),
        runMs: 150,
        shape,
        untilReady: async () => undefined,
        untilFlowing: async () => undefined,
        log: () => undefined,
      },
      run,
    );
    assert.deepEqual(
      run.applied.map((fault) => fault.index),
      [1],
    );
    assert.deepEqual(
      run.skipped.map(({ fault, why }) => [fault.index, why.startsWith('no time left')]),
      [[2, true]],
    );
  });

  it('leaves the fault in progress on record when the stack does not recover', async () => {
    const run: FaultRun = { applied: [], skipped: [] };
    await assert.rejects(
      runFaults(
        [{ index: 1, atMs: 0, component: 'kafka', kind: 'kill', durationMs: 5 }],
        {
          components: recordingComponents([]),
          loadStartedAt: Date.now(),
          runMs: 10_000,
          shape,
          untilReady: async () => {
            throw new Error('Kafka never came back');
          },
          untilFlowing: async () => undefined,
          log: () => undefined,
        },
        run,
      ),
      /Kafka never came back/,
    );
    assert.equal(run.inProgress?.fault.index, 1);
    assert.equal(run.applied[0]?.readyAt, undefined);
  });
});
