import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InPort, Packet, Process, Scheme, type Node, type WeftError } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { tempDir } from '../../harness/cli.ts';
import { within } from '../../harness/wait.ts';
import { testContext, wire, type Wired } from '../../harness/wire.ts';

const handlers = new URL('./handlers/', import.meta.url).pathname;
const hasGcc = spawnSync('gcc', ['--version']).status === 0;
if (!hasGcc && process.env.CI !== 'true') console.warn('[skip] gcc is not installed: the C exec handler tests are skipped; install gcc, or set CI=true to require it');

const codeOf = (packet: Packet): string | undefined => (packet.payload as WeftError).code;
const messageOf = (packet: Packet): string => (packet.payload as WeftError).message;

describe.skipIf(!hasGcc && process.env.CI !== 'true')('exec, mode once, with a C handler', () => {
  const dir = tempDir();
  const binary = `${dir.path}/echo`;
  let wired: Wired;

  beforeAll(async () => {
    const compiled = spawnSync('gcc', ['-O1', '-o', binary, `${handlers}echo.c`], { encoding: 'utf8', timeout: 30_000 });
    expect(compiled.status, compiled.stderr).toBe(0);
    const c = (name: string, args: string[] = [], extra: Record<string, unknown> = {}) => ({ kind: 'exec', name, command: binary, args, ...extra });
    wired = await wire([
      c('echo'), c('exit3', ['exit3']), c('crash', ['crash']), c('badjson', ['badjson']), c('sleep', ['sleep'], { timeout: '200ms' }),
    ]);
  });

  afterAll(async () => {
    await wired.close();
    dir.remove();
  });

  it('sends the payload as JSON on stdin and replies with the JSON on stdout', async () => {
    expect((await within(wired.send('echo', { a: [1, 'two'], big: 12n }))).payload).toEqual({ lang: 'c', input: { a: [1, 'two'], big: 12 } });
  });

  it('turns a non-zero exit into ERR_EXEC_FAILED carrying the end of stderr', async () => {
    const reply = await within(wired.send('exit3', 'x'));
    expect(codeOf(reply)).toBe('ERR_EXEC_FAILED');
    expect(messageOf(reply)).toContain('exited with code 3: cannot handle "x"');
  });

  it('turns a handler killed by a signal into ERR_EXEC_CRASHED and bad stdout into ERR_EXEC_OUTPUT_INVALID', async () => {
    const crashed = await within(wired.send('crash', null));
    expect(codeOf(crashed)).toBe('ERR_EXEC_CRASHED');
    expect(messageOf(crashed)).toContain('SIGKILL');
    expect(codeOf(await within(wired.send('badjson', null)))).toBe('ERR_EXEC_OUTPUT_INVALID');
  });

  it('kills a handler past its timeout with ERR_EXEC_TIMEOUT, and the node keeps serving', async () => {
    const started = performance.now();
    expect(codeOf(await within(wired.send('sleep', null)))).toBe('ERR_EXEC_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(1500);
    expect((await within(wired.send('echo', 1))).payload).toEqual({ lang: 'c', input: 1 });
  });

  it('runs calls side by side up to its concurrency', async () => {
    const replies = await within(Promise.all([1, 2, 3, 4, 5, 6].map((n) => wired.send('echo', n))));
    expect(replies.map((reply) => (reply.payload as { input: number }).input)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('exec, mode once, with a shell handler', () => {
  it('replies, reads its env and cwd, and fails cleanly when killed or not startable', async () => {
    const dir = tempDir();
    const wired = await wire([
      { kind: 'exec', name: 'sh', command: 'sh', args: ['-c', 'read line; printf \'{"got":%s,"greeting":"%s","dir":"%s"}\' "$line" "$GREETING" "$(pwd)"'], env: { GREETING: 'hi' }, cwd: dir.path },
      { kind: 'exec', name: 'killed', command: 'sh', args: ['-c', 'kill -9 $$'] },
      { kind: 'exec', name: 'missing', command: `${dir.path}/no-such-handler` },
      { kind: 'exec', name: 'bytes', command: 'cat' },
    ]);
    try {
      expect((await within(wired.send('sh', { n: 1 }))).payload).toEqual({ got: { n: 1 }, greeting: 'hi', dir: dir.path });
      expect(codeOf(await within(wired.send('killed', null)))).toBe('ERR_EXEC_CRASHED');
      expect(codeOf(await within(wired.send('missing', null)))).toBe('ERR_EXEC_SPAWN');
      expect(codeOf(await within(wired.send('bytes', new Uint8Array([1]))))).toBe('ERR_EXEC_INPUT');
      expect((await within(wired.send('bytes', 'still serving'))).payload).toBe('still serving');
    } finally {
      await wired.close();
      dir.remove();
    }
  });

  it('stops the handler when its process ends (ERR_PROCESS_ABORTED)', async () => {
    const wired = await wire([{ kind: 'exec', name: 'slow', command: 'sleep', args: ['30'] }]);
    try {
      const process = new Process();
      const reply = wired.node('slow').in('in')!.handle(process, new Packet(null));
      setTimeout(() => void process.exit(), 50);
      expect(codeOf(await within(Promise.resolve(reply)))).toBe('ERR_PROCESS_ABORTED');
    } finally {
      await wired.close();
    }
  });
});

describe('exec, mode worker, with a Node handler', () => {
  const seen: Process[] = [];
  const recorder: Node = {
    in: (name) => (name === 'in' ? new InPort('in', (process, packet) => {
      seen.push(process);
      return new Packet({ recorded: packet.payload });
    }) : undefined),
    out: () => undefined,
    close: () => {},
  };
  let wired: Wired;

  beforeAll(async () => {
    const context = testContext({ node: (name) => (name === 'recorder' ? recorder : wired?.nodes.get(name)) });
    wired = await wire([
      { kind: 'exec', name: 'worker', mode: 'worker', command: process.execPath, args: [`${handlers}worker.mjs`], timeout: '5s' },
      { kind: 'exec', name: 'short', mode: 'worker', command: process.execPath, args: [`${handlers}worker.mjs`], timeout: '100ms' },
      { kind: 'snippet', name: 'shout', language: 'cel', code: 'self + "!"' },
    ], context);
  });

  afterAll(async () => {
    await wired.close();
  });

  it('keeps several calls in flight on one worker and matches each answer to its call', async () => {
    const started = performance.now();
    const sleeps = [300, 50, 200, 10, 250];
    const replies = await within(Promise.all(sleeps.map((sleep) => wired.send('worker', { sleep }))), 5000);
    const bodies = replies.map((reply) => reply.payload as { pid: number; payload: { sleep: number } });
    expect(bodies.map((body) => body.payload.sleep)).toEqual(sleeps);
    expect(new Set(bodies.map((body) => body.pid)).size).toBe(1);
    expect(performance.now() - started).toBeLessThan(300 * sleeps.length);
  });

  it('fails the calls of a worker that dies with ERR_EXEC_CRASHED and starts a new one for the next call', async () => {
    const first = (await within(wired.send('worker', 'before'))).payload as { pid: number };
    const died = await within(wired.send('worker', { die: true }));
    expect(codeOf(died)).toBe('ERR_EXEC_CRASHED');
    const after = (await within(wired.send('worker', 'after'), 5000)).payload as { pid: number; payload: string };
    expect(after.payload).toBe('after');
    expect(after.pid).not.toBe(first.pid);
  });

  it('turns an error answer into ERR_EXEC_FAILED and a late one into ERR_EXEC_TIMEOUT', async () => {
    const failed = await within(wired.send('worker', { fail: 'this' }));
    expect(codeOf(failed)).toBe('ERR_EXEC_FAILED');
    expect(messageOf(failed)).toContain('refused this');
    expect(codeOf(await within(wired.send('short', { sleep: 1000 })))).toBe('ERR_EXEC_TIMEOUT');
    expect((await within(wired.send('short', 'quick'), 3000)).payload).toMatchObject({ payload: 'quick' });
  });

  it('lets the handler call a node back through the runtime API, inside the calling process', async () => {
    const process = new Process();
    const reply = await within(Promise.resolve(wired.node('worker').in('in')!.handle(process, new Packet({ callback: 'recorder', data: { x: 1 } }))));
    expect(reply.payload).toEqual({ status: 200, body: { recorded: { x: 1 } } });
    expect(seen.at(-1)).toBe(process);
    const shouted = await within(wired.send('worker', { callback: 'shout', data: 'hey' }));
    expect(shouted.payload).toEqual({ status: 200, body: 'hey!' });
    const outside = await within(wired.send('worker', { callback: 'recorder', data: 2, outside: true }));
    expect(outside.payload).toEqual({ status: 200, body: { recorded: 2 } });
    expect(seen.at(-1)).not.toBe(process);
    const unknown = await within(wired.send('worker', { callback: 'nobody', data: 1 }));
    expect(unknown.payload).toMatchObject({ status: 503, body: { error: { code: 'ERR_NODE_UNAVAILABLE' } } });
  });
});

describe('exec runtime API', () => {
  it('is on loopback and refuses requests without the engine token', async () => {
    const wired = await wire([{ kind: 'exec', name: 'env', command: 'sh', args: ['-c', 'printf \'{"url":"%s","token":"%s"}\' "$WEFT_RUNTIME_URL" "$WEFT_RUNTIME_TOKEN"'] }]);
    try {
      const { url, token } = (await within(wired.send('env', null))).payload as { url: string; token: string };
      expect(new URL(url).hostname).toBe('127.0.0.1');
      expect(token.length).toBeGreaterThanOrEqual(32);
      const post = (headers: Record<string, string>) => fetch(`${url}/v1/nodes/env`, { method: 'POST', headers, body: 'null', signal: AbortSignal.timeout(5000) });
      const none = await post({});
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe('ERR_RUNTIME_API_UNAUTHENTICATED');
      expect((await post({ authorization: `Bearer ${token.slice(0, -1)}x` })).status).toBe(401);
      const stale = await post({ authorization: `Bearer ${token}`, 'weft-call': 'no-such-call' });
      expect(((await stale.json()) as { error: { code: string } }).error.code).toBe('ERR_RUNTIME_API_REQUEST');
      const wrongRoute = await fetch(`${url}/v1/other`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
      expect(wrongRoute.status).toBe(400);
    } finally {
      await wired.close();
    }
  });

  it('validates the spec', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    const paths = (spec: Record<string, unknown>) => scheme.validate({ kind: 'exec', ...spec }).map((problem) => problem.path);
    expect(paths({ command: 'x' })).toEqual([]);
    expect(paths({})).toEqual(['command']);
    expect(paths({ command: 'x', mode: 'daemon' })).toEqual(['mode']);
    expect(paths({ command: 'x', timeout: 0 })).toEqual(['timeout']);
  });
});
