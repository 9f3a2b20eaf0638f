import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createDefaultLanguages, MemoryStore, Runtime, Scheme, type Spec } from '../../src/index.ts';
import { coreKinds } from '../../schemes/core.ts';
import { writeEvents } from '../../examples/pipeline/events.ts';
import { serviceAvailable } from '../fixtures/services.ts';

const nats = await serviceAvailable('nats');
const dir = mkdtempSync(join(tmpdir(), 'weft-pipeline-split-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const STAGES = ['sink', 'aggregate', 'rules', 'parse', 'ingest'] as const;

function read(file: string): string {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch {
    return '';
  }
}

describe.skipIf(!nats.available)('examples/pipeline/split (five namespaces over NATS)', () => {
  it('aggregates 10 000 events exactly as one pass over the file does, with every bad line in the dead-letter file', async () => {
    const input = join(dir, 'events.ndjson');
    writeFileSync(input, '');
    writeEvents(10_000, (text) => appendFileSync(input, text), 3);
    // Subjects of this run's own, paths in the temporary folder, the test's NATS URL.
    const prefix = `split-${randomUUID().slice(0, 8)}`;
    const runtimes: Runtime[] = [];
    try {
      for (const stage of STAGES) {
        const text = readFileSync(new URL(`../../examples/pipeline/split/${stage}.yaml`, import.meta.url), 'utf8')
          .replace(/pipeline\.(parse|rules|aggregate|sink)/g, `${prefix}.$1`)
          .replaceAll('nats://127.0.0.1:4222', nats.url!);
        const specs = (parse(text) as Spec[]).map((spec) => {
          const path = (spec as { path?: string }).path;
          if (spec.kind === 'file') return { ...spec, path: input };
          if (spec.kind === 'file-sink') return { ...spec, path: join(dir, path === '-' ? 'metrics.ndjson' : path!) };
          return spec;
        });
        const store = new MemoryStore();
        await store.insert(specs.map((spec) => ({ ...spec, namespace: stage })));
        const runtime = new Runtime({ store, namespace: stage, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages({ javascript: { isolation: 'in-process' } }), drainTimeoutMs: 5000 });
        await runtime.start();
        runtimes.push(runtime);
      }
      const deadline = Date.now() + 90_000;
      while (!read('metrics.ndjson').endsWith('\n')) {
        if (Date.now() > deadline) throw new Error('the split pipeline printed no metrics in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      for (const runtime of runtimes.reverse()) await runtime.close();
    }
    // The reference: one pass over the file, here.
    const expected = new Map<string, { count: number; value: number }>();
    let bad = 0;
    for (const line of readFileSync(input, 'utf8').split('\n').filter((entry) => entry.length > 0)) {
      let event: { type?: unknown; user?: unknown; value?: unknown };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        bad++;
        continue;
      }
      if (typeof event.type !== 'string' || typeof event.user !== 'string' || typeof event.value !== 'number') {
        bad++;
        continue;
      }
      if (event.type === 'view') continue;
      const group = expected.get(event.type) ?? { count: 0, value: 0 };
      group.count++;
      group.value += event.value;
      expected.set(event.type, group);
    }
    const results = read('results.ndjson').trim().split('\n').map((line) => JSON.parse(line) as { groups: Record<string, { count: number; sum: { value: number } }> });
    expect(results).toHaveLength(1);
    expect(Object.keys(results[0]!.groups).sort()).toEqual([...expected.keys()].sort());
    for (const [type, group] of expected) {
      expect(results[0]!.groups[type]!.count).toBe(group.count);
      expect(results[0]!.groups[type]!.sum.value).toBeCloseTo(group.value, 6);
    }
    expect(read('dead-letter.ndjson').trim().split('\n')).toHaveLength(bad);
    expect((JSON.parse(read('metrics.ndjson')) as { metrics: { lines: number } }).metrics.lines).toBe(10_000);
  }, 120_000);
});
