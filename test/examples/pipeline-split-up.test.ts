import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copySplit } from '../../examples/pipeline/split-copy.ts';
import { writeEvents } from '../../examples/pipeline/events.ts';
import { serviceAvailable } from '../fixtures/services.ts';
import { eventually, spawnWeft, stopWeft, tempDir, weft } from '../harness/cli.ts';

const nats = await serviceAvailable('nats');
const dir = tempDir();
afterAll(() => dir.remove());

function read(file: string): string {
  try {
    return readFileSync(join(dir.path, file), 'utf8');
  } catch {
    return '';
  }
}

/** The per-type counts and value sums of one pass over the file, computed here without weft; `bad`: lines that are not JSON or fail validation. */
function reference(text: string): { groups: Map<string, { count: number; value: number; revenue: number }>; bad: number } {
  const groups = new Map<string, { count: number; value: number; revenue: number }>();
  let bad = 0;
  for (const line of text.split('\n').filter((entry) => entry.length > 0)) {
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
    const group = groups.get(event.type) ?? { count: 0, value: 0, revenue: 0 };
    group.count++;
    group.value += event.value;
    group.revenue += event.type === 'purchase' ? event.value : 0;
    groups.set(event.type, group);
  }
  return { groups, bad };
}

describe.skipIf(!nats.available)('examples/pipeline/split under `weft up` (five supervised engines, real NATS)', () => {
  it('weft up -c split/weft.config.yaml aggregates 10 000 events as the reference does, every bad line dead-lettered', async () => {
    copySplit(dir.path, { prefix: `up-${randomUUID().slice(0, 8)}`, natsUrl: nats.url });
    const input = join(dir.path, 'events.ndjson');
    writeFileSync(input, '');
    writeEvents(10_000, (text) => appendFileSync(input, text), 5);
    const up = spawnWeft(['up', '-c', join(dir.path, 'weft.config.yaml'), '--no-standby'], { cwd: dir.path });
    let metrics: { lines: number; aggregated: number } | undefined;
    try {
      // The sink engine prints the metrics line to its standard output: weft up's log of it.
      metrics = await eventually(async () => {
        const line = read('.weft/run/logs/sink.0.log').split('\n').find((entry) => entry.startsWith('{"metrics"'));
        return line === undefined ? undefined : (JSON.parse(line) as { metrics: { lines: number; aggregated: number } }).metrics;
      }, 60_000, `the metrics line of the sink engine (weft up said: ${up.output().slice(-2000)})`);
      const listed = await weft(['ps', '-o', 'json', '-c', join(dir.path, 'weft.config.yaml')], { cwd: dir.path });
      const rows = JSON.parse(listed.stdout) as { namespace: string; state: string; restarts: number | null }[];
      expect(rows.filter((row) => row.state === 'running').map((row) => row.namespace).sort()).toEqual(['aggregate', 'ingest', 'parse', 'rules', 'sink']);
      expect(rows.every((row) => row.restarts === 0)).toBe(true);
    } finally {
      await stopWeft(up, 30_000);
    }
    expect(up.exitCode).toBe(0);
    const expected = reference(readFileSync(input, 'utf8'));
    expect(metrics.lines).toBe(10_000);
    expect(metrics.aggregated).toBe([...expected.groups.values()].reduce((sum, group) => sum + group.count, 0));
    const results = read('results.ndjson').trim().split('\n').map((line) => JSON.parse(line) as { groups: Record<string, { count: number; sum: { value: number; revenue: number } }> });
    expect(results).toHaveLength(1);
    expect(Object.keys(results[0]!.groups).sort()).toEqual([...expected.groups.keys()].sort());
    for (const [type, group] of expected.groups) {
      expect(results[0]!.groups[type]!.count).toBe(group.count);
      expect(results[0]!.groups[type]!.sum.value).toBeCloseTo(group.value, 6);
      expect(results[0]!.groups[type]!.sum.revenue).toBeCloseTo(group.revenue, 6);
    }
    // ingest (unreadable lines) and parse (invalid records) append to the same file.
    expect(read('dead-letter.ndjson').trim().split('\n')).toHaveLength(expected.bad);
  }, 100_000);
});
