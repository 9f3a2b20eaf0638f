import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { javascriptLanguage, type SandboxedLanguage, type WeftError } from '../../../../src/index.ts';
import { until, within } from '../../../harness/wait.ts';

const ENGINE = new URL('../../../fixtures/sandbox-engine.ts', import.meta.url).pathname;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the process sandbox', () => {
  const opened: SandboxedLanguage[] = [];
  function language(processes = 2): SandboxedLanguage {
    const javascript = javascriptLanguage({ processes, limits: { timeoutMs: 2000, memoryMb: 16 } });
    opened.push(javascript);
    return javascript;
  }
  afterEach(async () => {
    for (const javascript of opened.splice(0)) await javascript.close();
  });

  it('starts its children with the first compile and answers many calls in flight, each with its own reply', async () => {
    const javascript = language();
    expect(javascript.sandbox.processIds).toEqual([]);
    const program = await javascript.compile('export default async (input) => { await null; return { id: input.id, twice: input.id * 2 } }');
    expect(javascript.sandbox.processIds).toHaveLength(2);
    const ids = Array.from({ length: 500 }, (_, i) => i);
    const replies = await within(Promise.all(ids.map((id) => program.run({ id }))), 10_000);
    expect(replies).toEqual(ids.map((id) => ({ id, twice: id * 2 })));
  });

  it('fails one unsendable payload without failing the calls batched with it', async () => {
    const javascript = language(1);
    const program = await javascript.compile('export default (input) => input');
    const results = await Promise.allSettled([program.run(1), program.run({ fn: () => 1 }), program.run(3)]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'ERR_SNIPPET_RUNTIME' } });
    expect(results[2]).toEqual({ status: 'fulfilled', value: 3 });
  });

  it('replaces a crashed child, recompiles every live snippet there, sends the innocent call again, and serves the next call', async () => {
    const javascript = language(1);
    const echo = await javascript.compile('export default (input) => input');
    const typed = await javascript.compile('export default (input) => typeof input');
    const bomb = await javascript.compile('export default () => { const m = new Map(); for (let i = 0; ; i++) m.set(i, [i]); }', { timeoutMs: 10_000 });
    const [pid] = javascript.sandbox.processIds;
    const results = await within(Promise.allSettled([bomb.run(null), echo.run('in flight with the bomb')]), 15_000);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { code: 'ERR_SNIPPET_MEMORY', category: 'resource exhausted' } });
    expect(results[1]).toEqual({ status: 'fulfilled', value: 'in flight with the bomb' });
    expect(await within(Promise.resolve(echo.run('after')), 10_000)).toBe('after');
    expect(await typed.run(1)).toBe('number');
    expect(javascript.sandbox.processIds).toHaveLength(1);
    expect(javascript.sandbox.processIds[0]).not.toBe(pid);
    expect(alive(pid!)).toBe(false);
  });

  it('kills a child that stops answering (watchdog) and fails its calls as a crash', async () => {
    const javascript = language(1);
    const program = await javascript.compile('export default (input) => input', { timeoutMs: 100 });
    const [pid] = javascript.sandbox.processIds;
    process.kill(pid!, 'SIGSTOP');
    const started = performance.now();
    await expect(within(Promise.resolve(program.run(1)), 10_000)).rejects.toMatchObject({ code: 'ERR_SANDBOX_CRASHED' });
    expect(performance.now() - started).toBeLessThan(6000);
    expect(await within(Promise.resolve(program.run(2)), 10_000)).toBe(2);
  });

  it('stops its children when the last program closes, and fails later calls with ERR_SANDBOX_CLOSED', async () => {
    const javascript = language();
    const first = await javascript.compile('export default () => 1');
    const second = await javascript.compile('export default () => 2');
    const pids = [...javascript.sandbox.processIds];
    await first.close?.();
    expect(javascript.sandbox.processIds).toEqual(pids);
    await second.close?.();
    expect(javascript.sandbox.processIds).toEqual([]);
    await until(() => pids.every((pid) => !alive(pid)), 5000);
    await expect(Promise.resolve(second.run(null))).rejects.toMatchObject({ code: 'ERR_SANDBOX_CLOSED' });
    const third = await javascript.compile('export default () => 3');
    expect(await third.run(null)).toBe(3);
  });

  it('closes with every child gone, failing calls in flight with ERR_SANDBOX_CLOSED', async () => {
    const javascript = language();
    const program = await javascript.compile('export default async () => new Promise(() => {})', { timeoutMs: 10_000 });
    const pids = [...javascript.sandbox.processIds];
    const pending = Promise.resolve(program.run(null)).then(() => undefined, (thrown: unknown) => thrown);
    await javascript.close();
    expect(((await within(pending)) as WeftError).code).toBe('ERR_SANDBOX_CLOSED');
    await until(() => pids.every((pid) => !alive(pid)), 5000);
    await expect(Promise.resolve().then(() => javascript.compile('export default () => 1'))).rejects.toMatchObject({ code: 'ERR_SANDBOX_CLOSED' });
  });

  it('leaves no child behind when the engine dies, even children busy in a snippet', async () => {
    for (const mode of ['idle', 'busy']) await engineDies(mode);
  });

  async function engineDies(mode: string): Promise<void> {
    const engine = spawn(process.execPath, [ENGINE, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await within(new Promise<string>((resolve) => engine.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))), 15_000);
      const pids = JSON.parse(line) as number[];
      expect(pids).toHaveLength(2);
      expect(pids.every(alive)).toBe(true);
      engine.kill('SIGKILL');
      await until(() => pids.every((pid) => !alive(pid)), 5000);
    } finally {
      engine.kill('SIGKILL');
    }
  }
});
