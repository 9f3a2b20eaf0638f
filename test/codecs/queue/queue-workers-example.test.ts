import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Spec } from '../../../src/index.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { startRuntime } from './queue-harness.ts';

const specs = parse(readFileSync(new URL('../../../examples/queue-workers.yaml', import.meta.url), 'utf8')) as Spec[];

describe('examples/queue-workers.yaml', () => {
  it('runs jobs on a worker pool, retries the failing ones and dead-letters them; /stats shows the counts', async () => {
    const local = specs.map((spec) => (spec.kind === 'listener' ? { ...spec, host: '127.0.0.1', port: 0 } : spec));
    const harness = await startRuntime(local, new Map());
    try {
      const url = `http://127.0.0.1:${(harness.runtime.table.byName('listener')!.node as ListenerNode).port}`;
      const post = (body: unknown): Promise<Response> => fetch(`${url}/jobs`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(3000),
      });
      for (let n = 0; n < 12; n++) {
        const response = await post({ task: `t${n}`, fail: n % 4 === 0 });
        expect(response.status).toBe(200);
        expect((await response.json()) as { id: string }).toHaveProperty('id');
      }
      type Stats = { name: string; acked: number; deadLettered: number; nacked: number }[];
      let stats: Stats = [];
      const deadline = Date.now() + 5000;
      const settled = (): boolean => stats.find((entry) => entry.name === 'workers')?.deadLettered === 3 && stats.find((entry) => entry.name === 'dead-letters')?.acked === 3;
      while (!settled() && Date.now() < deadline) {
        stats = (await (await fetch(`${url}/stats`, { signal: AbortSignal.timeout(3000) })).json()) as Stats;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(stats.find((entry) => entry.name === 'workers')).toMatchObject({ acked: 9, deadLettered: 3, nacked: 6 });
      expect(stats.find((entry) => entry.name === 'dead-letters')).toMatchObject({ acked: 3 });
    } finally {
      await harness.close();
    }
  }, 20_000);
});
