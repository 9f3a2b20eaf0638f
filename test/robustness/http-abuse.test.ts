import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Socket } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort, spawnWeft, tempDir } from '../harness/cli.ts';
import { closedWithin, exchange, openSocket, statusOf, type RawExchange } from '../harness/raw-http.ts';

/**
 * The HTTP abuse suite: a real engine (`weft start`, its own OS process) serves a victim
 * workflow and a target listener with tight limits; each attack on the target must end in a
 * 4xx or a closed socket, the engine must stay up without leaking descriptors, and the
 * victim's median latency must stay within twice its baseline (with a floor, the machine is noisy).
 */
const TARGET_LIMITS = { bodySize: 65_536, headersTimeout: '1s', requestTimeout: '2s', keepAliveTimeout: '1s', maxConnections: 300 };

function workflow(victim: number, target: number): object[] {
  return [
    { kind: 'listener', name: 'victim', protocol: 'http', host: '127.0.0.1', port: victim, links: { out: [{ name: 'victim-router', port: 'in' }] } },
    { kind: 'router', name: 'victim-router', routes: [{ method: 'GET', path: '/ping', port: 'out[0]' }], links: { 'out[0]': [{ name: 'pong', port: 'in' }] } },
    { kind: 'snippet', name: 'pong', language: 'text', code: 'pong' },
    {
      kind: 'listener', name: 'target', protocol: 'http', host: '127.0.0.1', port: target, limits: TARGET_LIMITS,
      links: { out: [{ name: 'target-router', port: 'in' }] },
    },
    {
      kind: 'router', name: 'target-router',
      routes: [{ method: 'GET', path: '/ping', port: 'out[0]' }, { method: 'POST', path: '/echo', port: 'out[1]' }, { method: 'GET', path: '/inject', port: 'out[2]' }],
      links: { 'out[0]': [{ name: 'pong', port: 'in' }], 'out[1]': [{ name: 'echo', port: 'in' }], 'out[2]': [{ name: 'inject', port: 'in' }] },
    },
    { kind: 'snippet', name: 'echo', language: 'cel', code: '{"status": 200, "body": {"echo": self.body}}' },
    { kind: 'snippet', name: 'inject', language: 'cel', code: '{"status": 200, "header": {"X-Note": "a\\r\\nSet-Cookie: session=stolen"}, "body": "x"}' },
  ];
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Each result ended in a 4xx or a closed socket (never a 2xx, a 5xx, or a socket left open). */
function refused(result: RawExchange): boolean {
  const status = statusOf(result.response);
  return status === undefined ? result.closed : status >= 400 && status < 500;
}

describe('HTTP abuse against a running engine', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: ReturnType<typeof spawnWeft>;
  let victim: number;
  let target: number;
  let baseline: number;
  let baselineFds: number;
  const figures: string[] = [];

  const ping = async (port: number): Promise<number> => {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(5000) });
    expect(await response.text()).toBe('pong');
    return performance.now() - started;
  };
  /** The victim's median latency over `count` sequential requests. */
  const victimMedian = async (count = 30): Promise<number> => {
    const samples: number[] = [];
    for (let i = 0; i < count; i++) samples.push(await ping(victim));
    return median(samples);
  };
  /** Runs `attack` while measuring the victim, and checks its median against the baseline. */
  const during = async <T>(name: string, attack: () => Promise<T>): Promise<T> => {
    const [result, latency] = await Promise.all([attack(), (async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return await victimMedian();
    })()]);
    figures.push(`${name} ${latency.toFixed(1)} ms`);
    expect(latency, `victim median during ${name} (baseline ${baseline.toFixed(1)} ms)`).toBeLessThanOrEqual(2 * Math.max(baseline, 4));
    return result;
  };
  const fds = (): number => readdirSync(`/proc/${engine.pid}/fd`).length;

  beforeAll(async () => {
    dir = tempDir();
    [victim, target] = [await freePort(), await freePort()];
    const file = join(dir.path, 'abuse.json');
    writeFileSync(file, JSON.stringify(workflow(victim, target)));
    engine = spawnWeft(['start', '-f', file, '--store', 'memory://', '--log-level', 'warn', '--sandbox', 'in-process'], { cwd: dir.path });
    await eventually(async () => ((await ping(victim)) >= 0 && (await ping(target)) >= 0 ? true : undefined), 15_000, 'the engine to serve');
    await victimMedian(10);
    baseline = await victimMedian();
    baselineFds = fds();
    figures.push(`baseline ${baseline.toFixed(1)} ms`);
  }, 30_000);

  afterAll(async () => {
    console.info(`http-abuse victim medians: ${figures.join(', ')}`);
    engine?.kill('SIGTERM');
    await new Promise((resolve) => (engine?.exitCode === null ? engine.once('exit', resolve) : resolve(undefined)));
    dir?.remove();
  });

  it('refuses malformed requests, bad methods and paths with a 4xx or a closed socket', async () => {
    const malformed = [
      '\u0000\u0001\u0002garbage\r\n\r\n',
      'GET\r\n\r\n',
      'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
      'GET / HTTP/1.1\r\nHost x\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nBad\u0000Name: y\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n',
      'BREW / HTTP/1.1\r\nHost: x\r\n\r\n',
      'G@T / HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET ../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /\u0001 HTTP/1.1\r\nHost: x\r\n\r\n',
      `GET /${'a'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'GET / HTTP/1.1\r\n\r\n',
    ];
    const results = await during('malformed', async () => {
      const all: RawExchange[] = [];
      for (let round = 0; round < 2; round++) all.push(...await Promise.all(malformed.map((request) => exchange(target, request, { waitMs: 1200 }))));
      return all;
    });
    results.forEach((result, index) => expect(refused(result), `${JSON.stringify(malformed[index % malformed.length]!.slice(0, 60))}: ${result.response.slice(0, 40)}`).toBe(true));
  });

  it('refuses oversize headers (431), bodies (413), stacked and unknown encodings (415), compression bombs (413)', async () => {
    const big = Buffer.alloc(256 * 1024, 0x61);
    const bombs = [gzipSync(Buffer.alloc(8 * 1024 * 1024)), brotliCompressSync(Buffer.alloc(16 * 1024 * 1024))];
    const nested = gzipSync(gzipSync(Buffer.alloc(16 * 1024 * 1024 - 100), { level: 9 }), { level: 9 });
    const cases: [string, Buffer | string, number][] = [
      ['header', `GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(20_000)}\r\n\r\n`, 431],
      ['headers', `GET /ping HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 2000 }, (_, i) => `X-${i}: v`).join('\r\n')}\r\n\r\n`, 431],
      ['body', Buffer.concat([Buffer.from(`POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ${big.length}\r\n\r\n`), big]), 413],
      ['announced', 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n', 413],
      ['gzip bomb', Buffer.concat([Buffer.from(`POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Encoding: gzip\r\nContent-Length: ${bombs[0]!.length}\r\n\r\n`), bombs[0]!]), 413],
      ['br bomb', Buffer.concat([Buffer.from(`POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Encoding: br\r\nContent-Length: ${bombs[1]!.length}\r\n\r\n`), bombs[1]!]), 413],
      ['nested gzip', Buffer.concat([Buffer.from(`POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Encoding: gzip, gzip\r\nContent-Length: ${nested.length}\r\n\r\n`), nested]), 415],
      ['zstd', 'POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Encoding: zstd\r\nContent-Length: 1\r\n\r\nx', 415],
    ];
    const results = await during('oversize', async () => {
      const all: [string, number, RawExchange][] = [];
      for (let round = 0; round < 3; round++) {
        all.push(...await Promise.all(cases.map(async ([name, data, status]) => [name, status, await exchange(target, data, { waitMs: 2000 })] as [string, number, RawExchange])));
      }
      return all;
    });
    for (const [name, status, result] of results) {
      expect(statusOf(result.response), name).toBe(status);
      expect(result.response.length, name).toBeLessThan(2000);
    }
  });

  it('closes slowloris connections (headers one byte at a time) after headersTimeout', async () => {
    const sockets = await Promise.all(Array.from({ length: 200 }, () => openSocket(target)));
    const header = 'GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: ';
    let position = 0;
    const trickle = setInterval(() => {
      const byte = position < header.length ? header[position]! : 'a';
      position++;
      for (const socket of sockets) if (!socket.destroyed) socket.write(byte);
    }, 50);
    try {
      const closed = await during('slowloris', () => Promise.all(sockets.map((socket) => closedWithin(socket, 4000))));
      expect(closed.filter((ms) => ms === undefined)).toEqual([]);
      expect(Math.max(...closed.map((ms) => ms!))).toBeLessThan(3500);
    } finally {
      clearInterval(trickle);
      for (const socket of sockets) socket.destroy();
    }
  });

  it('bounds 1 000 idle connections: beyond maxConnections they close at once, the rest after headersTimeout', async () => {
    const opened = await Promise.allSettled(Array.from({ length: 1000 }, () => openSocket(target)));
    const sockets = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    try {
      const closed = await during('idle flood', () => Promise.all(sockets.map((socket: Socket) => closedWithin(socket, 8000))));
      expect(closed.filter((ms) => ms === undefined)).toEqual([]);
      // Beyond the cap they close at once: before the 1 s headersTimeout (with slack for a loaded machine).
      expect(closed.filter((ms) => ms! < 900).length).toBeGreaterThanOrEqual(sockets.length - TARGET_LIMITS.maxConnections - 50);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    expect((await exchange(target, 'GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).response).toContain('pong');
  });

  it('refuses a reply header with CR/LF set by the workflow (no header injection)', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => exchange(target, 'GET /inject HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')));
    for (const result of results) {
      expect(statusOf(result.response)).toBe(500);
      expect(result.response.toLowerCase()).not.toContain('set-cookie');
    }
  });

  it('is still up afterwards, with no descriptor leaked and errors logged once, not per request', async () => {
    expect(engine.exitCode).toBeNull();
    expect(await ping(target)).toBeGreaterThan(0);
    expect(await ping(victim)).toBeGreaterThan(0);
    await expect.poll(fds, { timeout: 3000 }).toBeLessThanOrEqual(baselineFds + 5);
    const errorLines = engine.output().split('\n').filter((line) => line.includes('"level":50'));
    expect(errorLines.length).toBeLessThanOrEqual(3);
  });
});
