/**
 * The benchmark's pictures, drawn by Vega-Lite (compiled to Vega and rendered to SVG headless, no browser): the
 * open-loop throughput ladder with p50 and p99, and the latency distribution of the steady-rate run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from './summary';

export async function writeCharts(results: BenchResults, folder: string): Promise<string[]> {
  const charts = {
    'throughput-ladder.svg': ladderSpec(results),
    'latency-distribution.svg': distributionSpec(results),
  };
  const written: string[] = [];
  for (const [file, spec] of Object.entries(charts)) {
    writeFileSync(join(folder, file), await toSvg(spec));
    written.push(join(folder, file));
  }
  return written;
}

function ladderSpec(results: BenchResults): object {
  const values = results.throughput.runs.flatMap((run) => [
    { offered: run.ratePerSecond, percentile: 'p50', ms: Math.max(1, run.scheduledToAccepted.p50) },
    { offered: run.ratePerSecond, percentile: 'p99', ms: Math.max(1, run.scheduledToAccepted.p99) },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Open-loop updates through userdata: latency to the email, per offered rate',
    width: 520,
    height: 300,
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'offered', type: 'quantitative', scale: { type: 'log' }, title: 'offered updates per second' },
          y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'due → email accepted (ms)' },
          color: { field: 'percentile', type: 'nominal' },
        },
      },
      {
        mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
        encoding: { y: { datum: 1000 } },
      },
    ],
  };
}

function distributionSpec(results: BenchResults): object {
  const { bucketMs, counts } = results.latency.tuned.responseToAcceptedHistogram;
  const values = counts.map((count, bucket) => ({ from: bucket * bucketMs, to: (bucket + 1) * bucketMs, count }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `HTTP answer → email accepted at ${results.latency.tuned.ratePerSecond} updates/s (tuned connector)`,
    width: 520,
    height: 260,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'from', type: 'quantitative', bin: { binned: true, step: bucketMs }, title: 'ms' },
      x2: { field: 'to' },
      y: { field: 'count', type: 'quantitative', title: 'changes' },
    },
  };
}

async function toSvg(spec: object): Promise<string> {
  // ESM-only packages, loaded when the charts are drawn.
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const compiled = vegaLite.compile(spec as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
