import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore, type ChangeEvent } from '../../../src/index.ts';
import { eventReader, within } from '../../conformance/event-reader.ts';

const PEER = new URL('../../fixtures/sqlite-peer.ts', import.meta.url).pathname;

type Line = { step: string; name?: string; at?: number };

/** A child OS process running test/fixtures/sqlite-peer.ts, with its JSON lines as they come. */
function startWriter(args: readonly string[]): { child: ChildProcess; lines: Line[]; waitFor: (step: string, ms: number) => Promise<Line>; exit: (ms: number) => Promise<number | null> } {
  const child = spawn(process.execPath, [PEER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(JSON.parse(line) as Line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (step: string, ms: number) =>
    within((async () => {
      for (;;) {
        const found = lines.find((line) => line.step === step);
        if (found !== undefined) return found;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`writer exited before "${step}": ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })(), ms, `the writer to reach "${step}"`);
  const exit = async (ms: number) => {
    const code = await within(exited, ms, 'the writer to exit');
    if (code !== 0 && child.signalCode === null) throw new Error(`writer failed (${String(code)}): ${stderr}`);
    return code;
  };
  return { child, lines, waitFor, exit };
}

const now = (): number => performance.timeOrigin + performance.now();

describe('SqliteStore shared by OS processes', () => {
  let dir: string;
  let path: string;
  let store: SqliteStore | undefined;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'weft-sqlite-mp-'));
    path = join(dir, 'shared', 'weft.db');
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await store?.close();
    store = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers a change committed by another process to a watcher within 100 ms', async () => {
    store = new SqliteStore({ path });
    const stream = store.watch({ namespace: 'latency' });
    await stream.ready;
    const count = 12;
    const arrivals = new Map<string, number>();
    const consuming = (async () => {
      for await (const event of stream) {
        arrivals.set(event.spec!.name!, now());
        if (arrivals.size === count) return;
      }
    })();
    const writer = startWriter(['upserts', path, 'latency', String(count), '37']);
    children.push(writer.child);
    await writer.exit(15_000);
    await within(consuming, 2000, 'every event');
    const latencies = writer.lines.filter((line) => line.step === 'committed').map((line) => arrivals.get(line.name!)! - line.at!);
    expect(latencies).toHaveLength(count);
    expect(Math.max(...latencies), `latencies (ms): ${latencies.map((ms) => ms.toFixed(1)).join(', ')}`).toBeLessThan(100);
  });

  it('lets two processes write at once: both succeed and every write is stored and seen once, in order', async () => {
    const count = 150;
    const first = startWriter(['burst', path, 'busy', String(count), 'first']);
    const second = startWriter(['burst', path, 'busy', String(count), 'second']);
    children.push(first.child, second.child);
    await Promise.all([first.exit(30_000), second.exit(30_000)]);
    store = new SqliteStore({ path });
    const stored = await store.find({ namespace: 'busy' });
    expect(stored).toHaveLength(2 * count);
    const reader = eventReader(store.watch({ namespace: 'busy' }, { after: '0' }));
    const events: ChangeEvent[] = await reader.take(2 * count, 5000);
    expect(events.every((event) => event.op === 'insert')).toBe(true);
    expect(new Set(events.map((event) => event.id)).size).toBe(2 * count);
    const seqs = events.map((event) => Number(event.token));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const prefix of ['first', 'second']) {
      const mine = events.map((event) => event.spec!.name!).filter((name) => name.startsWith(`${prefix}-`));
      expect(mine).toEqual(Array.from({ length: count }, (_, index) => `${prefix}-${index}`));
    }
  });

  it('keeps none of the specs of a write whose process is killed half-way', async () => {
    store = new SqliteStore({ path });
    const reader = eventReader(store.watch({ namespace: 'killed' }));
    const wal = `${path}-wal`;
    const writer = startWriter(['big-insert', path, 'killed', '40000']);
    children.push(writer.child);
    await writer.waitFor('begin', 15_000);
    const walAtBegin = statSync(wal).size;
    await within((async () => {
      while (statSync(wal).size < walAtBegin + 2_000_000) {
        if (writer.lines.some((line) => line.step === 'committed')) throw new Error('the write committed before it could be killed');
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })(), 15_000, 'the write to be half-way (its pages in the WAL)');
    writer.child.kill('SIGKILL');
    expect(await writer.exit(5000)).toBeNull();
    expect(writer.child.signalCode).toBe('SIGKILL');

    expect(await store.find({ namespace: 'killed' })).toEqual([]);
    const [after] = await store.insert([{ kind: 'snippet', namespace: 'killed', name: 'big-0' }]);
    expect(await reader.next()).toMatchObject({ op: 'insert', id: after!.id });
    expect(await reader.quiet(100)).toEqual([]);
  });

  it('keeps a process alive while a reader waits for an event, and not for a stream nobody reads', async () => {
    store = new SqliteStore({ path });
    const waiting = startWriter(['watch-next', path, 'alive']);
    const idle = startWriter(['watch-idle', path, 'alive']);
    children.push(waiting.child, idle.child);
    await Promise.all([waiting.waitFor('watching', 15_000), idle.waitFor('watching', 15_000)]);
    expect(await idle.exit(5000)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(waiting.child.exitCode).toBeNull();
    await store.insert([{ kind: 'snippet', namespace: 'alive', name: 'wake' }]);
    expect(await waiting.waitFor('event', 2000)).toMatchObject({ name: 'wake' });
    expect(await waiting.exit(5000)).toBe(0);
  });
});
