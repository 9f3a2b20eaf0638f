import { afterEach, describe, expect, it } from 'vitest';
import { Packet, Process, Scheme, type Spec } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { callNode, recorder, startRuntime, waitFor, type QueueRuntimeHarness } from '../queue/queue-harness.ts';

const open: QueueRuntimeHarness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((harness) => harness.close()));
});

async function run(specs: Spec[], keys: string[] = []) {
  const recorders = new Map(keys.map((key) => [key, recorder()]));
  const harness = await startRuntime(specs, recorders);
  open.push(harness);
  return { harness, recorders };
}

describe('accumulator', () => {
  it('answers each sender at once and runs the downstream with arrays of size', async () => {
    const { harness, recorders } = await run([
      { kind: 'accumulator', name: 'acc', size: 3, links: { out: [{ name: 'rec', port: 'in' }] } },
      { kind: 'record', name: 'rec', key: 'rec' },
    ], ['rec']);
    for (let n = 0; n < 7; n++) expect(await callNode(harness.runtime, 'acc', { n })).toEqual({ n });
    expect(recorders.get('rec')!.payloads).toEqual([[{ n: 0 }, { n: 1 }, { n: 2 }], [{ n: 3 }, { n: 4 }, { n: 5 }]]);
    await harness.close();
    // The partial array is sent on close.
    expect(recorders.get('rec')!.payloads[2]).toEqual([{ n: 6 }]);
  });

  it('sends a partial array when its window ends', async () => {
    const { harness, recorders } = await run([
      { kind: 'accumulator', name: 'acc', size: 100, window: '30ms', links: { out: [{ name: 'rec', port: 'in' }] } },
      { kind: 'record', name: 'rec', key: 'rec' },
    ], ['rec']);
    await callNode(harness.runtime, 'acc', 'a');
    await callNode(harness.runtime, 'acc', 'b');
    expect(recorders.get('rec')!.payloads).toHaveLength(0);
    await waitFor(() => recorders.get('rec')!.payloads.length === 1, 2000, 'the window');
    expect(recorders.get('rec')!.payloads[0]).toEqual(['a', 'b']);
  });

  it('needs size or window', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    expect(scheme.validate({ kind: 'accumulator', name: 'a' }).map((problem) => problem.path)).toContain('size');
    expect(scheme.validate({ kind: 'accumulator', name: 'a', window: '1s' })).toEqual([]);
  });
});

describe('unbatch', () => {
  it('runs out once per element, in order, and replies the array of replies', async () => {
    const { harness } = await run([
      { kind: 'unbatch', name: 'each', links: { out: [{ name: 'double', port: 'in' }] } },
      { kind: 'snippet', name: 'double', language: 'cel', code: 'self * 2' },
    ]);
    expect(await callNode(harness.runtime, 'each', [1, 2, 3])).toEqual([2, 4, 6]);
    expect(await callNode(harness.runtime, 'each', [])).toEqual([]);
    expect(await callNode(harness.runtime, 'each', 'no list')).toMatchObject({ code: 'ERR_UNBATCH_PAYLOAD' });
  });

  it('stops at the first element that fails, naming its index', async () => {
    const { harness, recorders } = await run([
      { kind: 'unbatch', name: 'each', links: { out: [{ name: 'rec', port: 'in' }] } },
      { kind: 'record', name: 'rec', key: 'rec', ms: 1 },
    ], ['rec']);
    recorders.get('rec')!.fail = (payload) => payload.id === 'b';
    const reply = await callNode(harness.runtime, 'each', [{ id: 'a' }, { id: 'b' }, { id: 'c' }]) as { code: string; details: { index: number } };
    expect(reply.code).toBe('ERR_INTERNAL');
    expect(reply.details.index).toBe(1);
    expect(recorders.get('rec')!.payloads.map((payload) => payload.id)).toEqual(['a', 'b']);
  });
});

describe('aggregate', () => {
  it('counts, sums, averages, minima and maxima per group over records and arrays, until flush', async () => {
    const { harness, recorders } = await run([
      { kind: 'aggregate', name: 'agg', by: 'self.type', values: { v: 'self.v' }, links: { out: [{ name: 'rec', port: 'in' }] } },
      { kind: 'record', name: 'rec', key: 'rec' },
    ], ['rec']);
    expect(await callNode(harness.runtime, 'agg', [{ type: 'a', v: 1 }, { type: 'b', v: 10 }, { type: 'a', v: 4 }])).toEqual({ records: 3 });
    expect(await callNode(harness.runtime, 'agg', { type: 'a', v: 1 })).toEqual({ records: 1 });
    const node = harness.runtime.table.byName('agg')!.node;
    const process = new Process();
    await node.in('flush')!.handle(process, new Packet({ why: 'end' }));
    await process.finish();
    expect(recorders.get('rec')!.payloads[0]).toEqual({
      records: 4,
      trigger: { why: 'end' },
      groups: {
        a: { count: 3, sum: { v: 6 }, avg: { v: 2 }, min: { v: 1 }, max: { v: 4 } },
        b: { count: 1, sum: { v: 10 }, avg: { v: 10 }, min: { v: 10 }, max: { v: 10 } },
      },
    });
  });

  it('refuses an array with a bad record whole (ERR_AGGREGATE_VALUE), adding nothing', async () => {
    const { harness, recorders } = await run([
      { kind: 'aggregate', name: 'agg', by: 'self.type', values: { v: 'self.v' }, links: { out: [{ name: 'rec', port: 'in' }] } },
      { kind: 'record', name: 'rec', key: 'rec' },
    ], ['rec']);
    const reply = await callNode(harness.runtime, 'agg', [{ type: 'a', v: 1 }, { type: 'a', v: 'x' }]) as { code: string; message: string };
    expect(reply.code).toBe('ERR_AGGREGATE_VALUE');
    expect(reply.message).toContain('record 1');
    expect(await callNode(harness.runtime, 'agg', [{ type: ['list'], v: 1 }])).toMatchObject({ code: 'ERR_AGGREGATE_VALUE' });
    const node = harness.runtime.table.byName('agg')!.node;
    const process = new Process();
    await node.in('flush')!.handle(process, new Packet(null));
    await process.finish();
    expect(recorders.get('rec')!.payloads[0]).toMatchObject({ records: 0, groups: {} });
  });
});
