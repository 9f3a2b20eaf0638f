import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Packet, Process, Scheme, WeftError } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { callNode, startRuntime, type QueueRuntimeHarness } from '../queue/queue-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'weft-file-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const open: QueueRuntimeHarness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((harness) => harness.close()));
});
let files = 0;

async function sink(fields: Record<string, unknown>): Promise<{ harness: QueueRuntimeHarness; path: string }> {
  const path = join(dir, `out${++files}.txt`);
  const harness = await startRuntime([{ kind: 'file-sink', name: 'sink', path, ...fields }], new Map());
  open.push(harness);
  return { harness, path };
}

describe('file-sink', () => {
  it('appends NDJSON, one line per array element, an error as its JSON form, and replies the packet once written', async () => {
    const { harness, path } = await sink({});
    expect(await callNode(harness.runtime, 'sink', { a: 1 })).toEqual({ a: 1 });
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n');
    await callNode(harness.runtime, 'sink', [1, 'two', { three: 3 }]);
    await callNode(harness.runtime, 'sink', []);
    await callNode(harness.runtime, 'sink', new WeftError('ERR_UNBATCH_PAYLOAD', { type: 'string' }));
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.slice(1, 4)).toEqual(['1', '"two"', '{"three":3}']);
    expect(JSON.parse(lines[4]!)).toMatchObject({ code: 'ERR_UNBATCH_PAYLOAD', category: 'invalid argument' });
    expect(lines).toHaveLength(5);
  });

  it('writes concurrent payloads in one append each, none lost or interleaved', async () => {
    const { harness, path } = await sink({ format: 'lines' });
    const node = harness.runtime.table.byName('sink')!.node;
    await Promise.all(Array.from({ length: 500 }, async (_, n) => {
      const process = new Process();
      await node.in('in')!.handle(process, new Packet(`line ${n}`));
      await process.finish();
    }));
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(new Set(lines).size).toBe(500);
    expect(lines.every((line) => /^line \d+$/.test(line))).toBe(true);
  });

  it('writes CSV with a header of the given columns (or the first row\'s keys), quoting what needs it', async () => {
    const given = await sink({ format: 'csv', columns: ['b', 'a'] });
    await callNode(given.harness.runtime, 'sink', [{ a: 1, b: 'x,y' }, { a: 'say "hi"', c: 3 }]);
    expect(readFileSync(given.path, 'utf8')).toBe('b,a\n"x,y",1\n,"say ""hi"""\n');
    const inferred = await sink({ format: 'csv', delimiter: ';' });
    await callNode(inferred.harness.runtime, 'sink', { n: 1, s: 'a;b' });
    await callNode(inferred.harness.runtime, 'sink', { s: 'c', n: 2 });
    expect(readFileSync(inferred.path, 'utf8')).toBe('n;s\n1;"a;b"\n2;c\n');
    expect(await callNode(inferred.harness.runtime, 'sink', 'not a row')).toMatchObject({ code: 'ERR_FILE_PAYLOAD_INVALID' });
  });

  it('rotates by size to PATH.1, PATH.2, keeping keep files', async () => {
    const { harness, path } = await sink({ format: 'lines', rotate: { size: 1024, keep: 2 } });
    const line = 'x'.repeat(599);
    for (let n = 0; n < 5; n++) await callNode(harness.runtime, 'sink', `${n}${line}`);
    expect(readFileSync(path, 'utf8').startsWith('4')).toBe(true);
    expect(readFileSync(`${path}.1`, 'utf8').startsWith('2')).toBe(true);
    expect(readFileSync(`${path}.2`, 'utf8').startsWith('0')).toBe(true);
    expect(existsSync(`${path}.3`)).toBe(false);
  });

  it('answers ERR_FILE_WRITE when the file cannot be written', async () => {
    const harness = await startRuntime([{ kind: 'file-sink', name: 'sink', path: join(dir, 'no-such-dir', 'x.ndjson') }], new Map());
    open.push(harness);
    expect(await callNode(harness.runtime, 'sink', { a: 1 })).toMatchObject({ code: 'ERR_FILE_WRITE' });
  });

  it('refuses CSV fields on other formats and rotation of stdout', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    const paths = (fields: Record<string, unknown>): string[] => scheme.validate({ kind: 'file-sink', name: 's', path: 'x', ...fields }).map((problem) => problem.path);
    expect(paths({ columns: ['a'] })).toContain('columns');
    expect(paths({ path: '-', rotate: { size: 4096 } })).toContain('rotate');
    expect(paths({ rotate: { size: 10 } }).length).toBeGreaterThan(0);
    expect(paths({ format: 'csv', columns: ['a'], rotate: { size: 4096, keep: 3 } })).toEqual([]);
  });
});
