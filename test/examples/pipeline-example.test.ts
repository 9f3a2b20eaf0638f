import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDefaultLanguages, MemoryStore, Runtime, Scheme, type Spec } from '../../src/index.ts';
import { coreKinds } from '../../schemes/core.ts';
import { writeEvents } from '../../examples/pipeline/events.ts';
import { exampleSpecs } from './run-example.ts';

const dir = mkdtempSync(join(tmpdir(), 'weft-pipeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Figures {
  count: number;
  sum: Record<string, number>;
  avg: Record<string, number>;
}

/** The aggregate computed here, without weft, from the file's text. */
function reference(text: string): { groups: Map<string, Figures>; malformed: number; invalid: number; views: number; lines: number } {
  const groups = new Map<string, Figures>();
  let malformed = 0;
  let invalid = 0;
  let views = 0;
  const lines = text.split('\n').filter((line) => line.length > 0);
  for (const line of lines) {
    let event: { type?: unknown; user?: unknown; value?: unknown };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      malformed++;
      continue;
    }
    if (typeof event.type !== 'string' || typeof event.user !== 'string' || typeof event.value !== 'number') {
      invalid++;
      continue;
    }
    if (event.type === 'view') {
      views++;
      continue;
    }
    const group = groups.get(event.type) ?? { count: 0, sum: { value: 0, revenue: 0 }, avg: { value: 0, revenue: 0 } };
    group.count++;
    group.sum.value! += event.value;
    group.sum.revenue! += event.type === 'purchase' ? event.value : 0;
    groups.set(event.type, group);
  }
  for (const group of groups.values()) for (const name of ['value', 'revenue']) group.avg[name] = group.sum[name]! / group.count;
  return { groups, malformed, invalid, views, lines: lines.length };
}

/** Runs examples/pipeline/FILE (pipeline.yaml by default) over `events` (paths moved into a folder of its own); resolves with its outputs. */
async function runPipeline(name: string, events: number, edit: (spec: Spec) => Spec = (spec) => spec, file = 'pipeline.yaml') {
  const folder = join(dir, name);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder);
  const input = join(folder, 'events.ndjson');
  writeFileSync(input, '');
  writeEvents(events, (text) => appendFileSync(input, text), 7);
  const specs = exampleSpecs(`pipeline/${file}`, (spec) => {
    const path = (spec as { path?: string }).path;
    if (spec.kind === 'file') return edit({ ...spec, path: input });
    if (spec.kind === 'file-sink') return { ...spec, path: join(folder, path === '-' ? 'metrics.ndjson' : path!) };
    return edit(spec);
  });
  const store = new MemoryStore();
  await store.insert(specs);
  const runtime = new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), drainTimeoutMs: 5000 });
  await runtime.start();
  const read = (file: string): string => {
    try {
      return readFileSync(join(folder, file), 'utf8');
    } catch {
      return '';
    }
  };
  try {
    const deadline = Date.now() + 100_000;
    while (!read('metrics.ndjson').endsWith('\n')) {
      if (Date.now() > deadline) throw new Error('the pipeline did not print its metrics in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await runtime.close();
  }
  return {
    text: readFileSync(input, 'utf8'),
    results: read('results.ndjson').trim().split('\n').map((line) => JSON.parse(line) as { records: number; groups: Record<string, Figures>; trigger: Record<string, number> }),
    deadLetters: read('dead-letter.ndjson').trim().split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as Record<string, unknown>),
    metrics: JSON.parse(read('metrics.ndjson')) as { metrics: Record<string, number> },
  };
}

function expectSameFigures(actual: Record<string, Figures>, expected: Map<string, Figures>): void {
  expect(Object.keys(actual).sort()).toEqual([...expected.keys()].sort());
  for (const [type, figures] of expected) {
    const found = actual[type]!;
    expect(found.count, type).toBe(figures.count);
    for (const name of ['value', 'revenue']) {
      // Batches finish in any order (concurrency 4): sums agree up to float rounding.
      expect(found.sum[name]!).toBeCloseTo(figures.sum[name]!, 6);
      expect(found.avg[name]!).toBeCloseTo(figures.avg[name]!, 9);
    }
  }
}

function expectAllDeadLettered(run: Awaited<ReturnType<typeof runPipeline>>, expected: ReturnType<typeof reference>): void {
  const unreadable = run.deadLetters.filter((entry) => entry.code === 'ERR_FILE_RECORD_INVALID');
  const rejected = run.deadLetters.filter((entry) => entry.reason !== undefined);
  expect(unreadable).toHaveLength(expected.malformed);
  expect(rejected).toHaveLength(expected.invalid);
  expect(run.deadLetters).toHaveLength(expected.malformed + expected.invalid);
  expect(new Set(unreadable.map((entry) => (entry.details as { line: number }).line)).size).toBe(expected.malformed);
  expect(rejected.every((entry) => entry.reason === 'value must be a number' && typeof (entry.record as { value?: unknown }).value === 'string')).toBe(true);
}

describe('examples/pipeline/pipeline.yaml (parse and rules in CEL)', () => {
  // 100 000 events, not 1 M: 1 M runs in bench:pipeline (a unit test must stay short on a shared 2-core machine).
  it('aggregates 100 000 generated events exactly as a reference computed here; every bad line is in the dead-letter file', async () => {
    const run = await runPipeline('batch-100', 100_000);
    const expected = reference(run.text);
    expect(expected.malformed + expected.invalid).toBeGreaterThan(100);
    expect(run.results).toHaveLength(1);
    const [result] = run.results;
    expectSameFigures(result!.groups, expected.groups);
    expect(result!.records).toBe(expected.lines - expected.malformed - expected.invalid - expected.views);
    // None lost: every malformed line with its line number, every invalid record with its reason.
    expectAllDeadLettered(run, expected);
    expect(run.metrics.metrics).toMatchObject({ lines: expected.lines, unreadable: expected.malformed, events: expected.lines - expected.malformed, aggregated: result!.records });
  }, 120_000);

  it('gives the same figures with batches of 7 and a window, and without batching', async () => {
    for (const batch of [{ size: 7, window: '5ms' }, undefined]) {
      const run = await runPipeline(`batch-${batch?.size ?? 'none'}`, 3000, (spec) => {
        if (spec.kind === 'file') {
          const { batch: _dropped, ...rest } = spec as Spec & { batch?: unknown };
          return batch === undefined ? rest : { ...rest, batch };
        }
        // Without batching, parse gets one event: the example's stages take arrays, so wrap it.
        if (batch === undefined && spec.name === 'parse') return { ...spec, code: String((spec as Spec & { code?: unknown }).code).replaceAll('self.filter(', '(type(self) == list ? self : [self]).filter(') };
        return spec;
      });
      const expected = reference(run.text);
      expectSameFigures(run.results[0]!.groups, expected.groups);
      expectAllDeadLettered(run, expected);
    }
  }, 120_000);
});

describe('examples/pipeline/pipeline-js.yaml (parse and rules in javascript)', () => {
  it('aggregates 20 000 events as the reference does, every bad line dead-lettered', async () => {
    const run = await runPipeline('js', 20_000, undefined, 'pipeline-js.yaml');
    const expected = reference(run.text);
    expectSameFigures(run.results[0]!.groups, expected.groups);
    expectAllDeadLettered(run, expected);
  }, 120_000);
});
