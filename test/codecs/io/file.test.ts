import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Scheme, type Spec } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import type { FileSourceNode } from '../../../codecs/io/file/file-source-node.ts';
import { recorder, startRuntime, waitFor, type QueueRuntimeHarness, type Recorder } from '../queue/queue-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'weft-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const open: QueueRuntimeHarness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((harness) => harness.close()));
});
let files = 0;

/** A file of its own holding `text`. */
function file(text: string): string {
  const path = join(dir, `f${++files}.txt`);
  writeFileSync(path, text);
  return path;
}

interface Source {
  readonly harness: QueueRuntimeHarness;
  readonly out: Recorder;
  readonly errors: Recorder;
  readonly done: Recorder;
  node(): FileSourceNode;
}

/** A runtime whose file source `source` sends out, error and done to three recorders (`ms`: how long each out record takes). */
async function source(fields: Record<string, unknown>, ms?: number): Promise<Source> {
  const out = recorder();
  const errors = recorder();
  const done = recorder();
  const specs: Spec[] = [
    { kind: 'file', name: 'source', ...fields, links: { out: [{ name: 'out', port: 'in' }], error: [{ name: 'errors', port: 'in' }], done: [{ name: 'done', port: 'in' }] } },
    { kind: 'record', name: 'out', key: 'out', ...(ms === undefined ? {} : { ms }) },
    { kind: 'record', name: 'errors', key: 'errors' },
    { kind: 'record', name: 'done', key: 'done' },
  ];
  const harness = await startRuntime(specs, new Map([['out', out], ['errors', errors], ['done', done]]));
  open.push(harness);
  return { harness, out, errors, done, node: () => harness.runtime.table.byName('source')!.node as FileSourceNode };
}

describe('file source', () => {
  it('sends each NDJSON line to out, an unparsable line to error with its line number and text, then the counters to done', async () => {
    const path = file('{"id": 1}\n\n{"id": 2}\r\n{"id": \n{"id": 4}');
    const run = await source({ path, format: 'ndjson' });
    await waitFor(() => run.done.payloads.length === 1, 5000, 'done');
    expect(run.out.payloads).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }]);
    expect(run.errors.payloads).toHaveLength(1);
    const error = run.errors.payloads[0] as unknown as { code: string; details: { line: number; text: string } };
    expect(error.code).toBe('ERR_FILE_RECORD_INVALID');
    expect(error.details).toMatchObject({ line: 4, text: '{"id": ' });
    expect(run.done.payloads[0]).toMatchObject({ path, lines: 5, records: 3, errors: 1, processes: 3, failed: 0 });
    expect(run.node().state).toBe('done');
  });

  it('reads lines as strings by default and CSV rows as objects by their header, a broken row going to error', async () => {
    const lines = await source({ path: file('alpha\r\n beta \n\ngamma\n') });
    await waitFor(() => lines.done.payloads.length === 1, 5000, 'done');
    expect(lines.out.payloads).toEqual(['alpha', ' beta ', 'gamma']);
    const csv = await source({ path: file('\uFEFFname;n\nann;1\n"bo;b";2\nbroken\n"multi\nline";3\n'), format: 'csv', delimiter: ';' });
    await waitFor(() => csv.done.payloads.length === 1, 5000, 'done');
    expect(csv.out.payloads).toEqual([{ name: 'ann', n: '1' }, { name: 'bo;b', n: '2' }, { name: 'multi\nline', n: '3' }]);
    expect(csv.errors.payloads).toHaveLength(1);
    expect((csv.errors.payloads[0] as unknown as { details: { line: number } }).details.line).toBe(4);
    expect(csv.done.payloads[0]).toMatchObject({ records: 3, errors: 1 });
  });

  it('runs at most concurrency processes at once and reads on as they end (backpressure)', async () => {
    const path = file(Array.from({ length: 40 }, (_, n) => JSON.stringify({ id: n })).join('\n'));
    const run = await source({ path, format: 'ndjson', concurrency: 3 }, 10);
    await waitFor(() => run.done.payloads.length === 1, 10_000, 'done');
    expect(run.out.maxActive).toBe(3);
    expect(run.out.seen.size).toBe(40);
  });

  it('batches records into arrays of size, the last one partial, all before done', async () => {
    const path = file(Array.from({ length: 10 }, (_, n) => String(n)).join('\n'));
    const run = await source({ path, batch: { size: 4 }, concurrency: 2 });
    await waitFor(() => run.done.payloads.length === 1, 5000, 'done');
    expect(run.out.payloads).toEqual([['0', '1', '2', '3'], ['4', '5', '6', '7'], ['8', '9']]);
    expect(run.done.payloads[0]).toMatchObject({ records: 10, processes: 3 });
  });

  it('follows a file from its end like tail -F: appends are read, a batch goes when its window ends, truncation and rotation start over', async () => {
    const path = file('old\n');
    const run = await source({ path, follow: true, from: 'end', poll: '20ms', batch: { size: 100, window: '50ms' } });
    await waitFor(() => run.node().state === 'reading', 2000, 'reading');
    await new Promise((resolve) => setTimeout(resolve, 60));
    appendFileSync(path, 'a\nb\n');
    await waitFor(() => run.out.payloads.length === 1, 3000, 'the window batch');
    expect(run.out.payloads[0]).toEqual(['a', 'b']);
    appendFileSync(path, 'half');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(run.out.payloads).toHaveLength(1);
    appendFileSync(path, '-line\n');
    await waitFor(() => run.out.payloads.length === 2, 3000, 'the completed line');
    expect(run.out.payloads[1]).toEqual(['half-line']);
    truncateSync(path, 0);
    await new Promise((resolve) => setTimeout(resolve, 80));
    appendFileSync(path, 'after truncate\n');
    await waitFor(() => run.out.payloads.length === 3, 3000, 'after truncation');
    expect(run.out.payloads[2]).toEqual(['after truncate']);
    renameSync(path, `${path}.1`);
    writeFileSync(path, 'rotated\n');
    await waitFor(() => run.out.payloads.length === 4, 3000, 'after rotation');
    expect(run.out.payloads[3]).toEqual(['rotated']);
    expect(run.done.payloads).toHaveLength(0);
  });

  it('waits while the namespace is paused and reads on when it resumes', async () => {
    const path = file(Array.from({ length: 20 }, (_, n) => String(n)).join('\n'));
    const run = await source({ path, concurrency: 1 }, 20);
    await waitFor(() => run.out.payloads.length >= 2, 3000, 'a few lines');
    run.harness.runtime.processes.pause();
    await new Promise((resolve) => setTimeout(resolve, 60));
    const seen = run.out.payloads.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(run.out.payloads.length).toBe(seen);
    run.harness.runtime.processes.resume();
    await waitFor(() => run.done.payloads.length === 1, 5000, 'done');
    expect(run.out.payloads).toHaveLength(20);
  });

  it('starts a batch whose window ended while the namespace was paused once it resumes', async () => {
    const path = file('');
    const run = await source({ path, follow: true, poll: '10ms', batch: { size: 100, window: '300ms' } });
    await waitFor(() => run.node().state === 'reading', 2000, 'reading');
    appendFileSync(path, 'c\n');
    // Read into the partial batch, then paused before its window ends: the batch waits.
    await new Promise((resolve) => setTimeout(resolve, 100));
    run.harness.runtime.processes.pause();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(run.out.payloads).toHaveLength(0);
    run.harness.runtime.processes.resume();
    await waitFor(() => run.out.payloads.length === 1, 3000, 'the held batch');
    expect(run.out.payloads[0]).toEqual(['c']);
  });

  it('is not ready and sends no done when the file cannot be read', async () => {
    const run = await source({ path: join(dir, 'missing.ndjson'), format: 'ndjson' });
    await waitFor(() => run.node().state === 'failed', 3000, 'failed');
    expect(run.done.payloads).toHaveLength(0);
  });

  it('refuses fields that do not go together, naming them', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    const paths = (fields: Record<string, unknown>): string[] => scheme.validate({ kind: 'file', name: 'f', path: 'x', ...fields }).map((problem) => problem.path);
    expect(paths({ from: 'end' })).toContain('from');
    expect(paths({ path: '-', follow: true })).toContain('follow');
    expect(paths({ poll: '1s' })).toContain('poll');
    expect(paths({ delimiter: ';' })).toContain('delimiter');
    expect(paths({ batch: { size: 0 } }).length).toBeGreaterThan(0);
    expect(paths({ format: 'xml' }).length).toBeGreaterThan(0);
    expect(paths({ format: 'csv', delimiter: ';', batch: { size: 10, window: '1s' }, concurrency: 4 })).toEqual([]);
  });
});
