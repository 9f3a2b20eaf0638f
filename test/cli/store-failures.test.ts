import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceAvailable } from '../fixtures/services.ts';
import { startFakeMongod } from '../src/store/mongodb/fake-mongod.ts';
import { freePort, spawnWeft, tempDir } from '../harness/cli.ts';
import { refusalOf } from '../harness/refusal.ts';

const postgres = await serviceAvailable('postgres');

/** A command answers a store failure within its connect timeout (5 s) plus start-up; these bounds only catch a hang (the suite runs beside others). */
const KILL_AFTER_MS = 25_000;
const ANSWER_WITHIN_MS = 15_000;
/** Each test spawns CLIs (several, one after another) beside the rest of the suite on a small machine. */
const TEST_TIMEOUT_MS = 120_000;

/** Runs the real CLI, killing it after KILL_AFTER_MS: a hang shows up as a failed test, never as a stuck suite. */
async function runBounded(args: readonly string[], cwd: string): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawnWeft(args, { cwd, env: { WEFT_LOG_LEVEL: 'silent' } });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exit) => resolve(exit)));
  clearTimeout(timer);
  return { code, stderr, ms: Date.now() - started };
}

/** A TCP server that is no database: it accepts and stays silent, or answers garbage and hangs up. */
async function fakeServer(behaviour: 'silent' | 'garbage'): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    if (behaviour === 'garbage') socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('every store URL failure ends a CLI command with a coded ERR_STORE_* error within seconds', () => {
  let dir: ReturnType<typeof tempDir>;
  const servers: { close: () => Promise<void> }[] = [];
  const failures: [string, () => Promise<string>, string][] = [];
  const silent = (): Promise<number> => fakeServer('silent').then((server) => (servers.push(server), server.port));
  const garbage = (): Promise<number> => fakeServer('garbage').then((server) => (servers.push(server), server.port));
  /** A fake mongod answering the real handshake: a standalone one, or a replica-set member that refuses every login. */
  const mongod = async (kind: 'standalone' | 'refusing'): Promise<number> => {
    const refuse = { ok: 0, code: 18, codeName: 'AuthenticationFailed', errmsg: 'Authentication failed.' };
    const server = kind === 'standalone'
      ? await startFakeMongod({})
      : await startFakeMongod({ setName: 'rs0', saslSupportedMechs: ['SCRAM-SHA-256'] }, (command) => ('saslStart' in command ? refuse : undefined));
    servers.push(server);
    return server.port;
  };

  beforeAll(() => {
    dir = tempDir();
    writeFileSync(join(dir.path, 'not-a-db'), 'hello, I am a text file\n');
    mkdirSync(join(dir.path, 'plain'));
    symlinkSync(join(dir.path, 'missing-target'), join(dir.path, 'dangling'));
    writeFileSync(join(dir.path, 'spec.yaml'), 'kind: nop\nname: a\n');
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    dir.remove();
  });

  failures.push(
    ['sqlite: a folder that cannot be created (/proc)', async () => 'sqlite:///proc/weft-nope/x.db', 'ERR_STORE_UNAVAILABLE'],
    ['sqlite: a folder under a dangling symlink', async () => `sqlite://${join(dir.path, 'dangling', 'sub', 'x.db')}`, 'ERR_STORE_UNAVAILABLE'],
    ['sqlite: a path under a file', async () => `sqlite://${join(dir.path, 'not-a-db', 'x.db')}`, 'ERR_STORE_UNAVAILABLE'],
    ['sqlite: a file that is no database', async () => `sqlite://${join(dir.path, 'not-a-db')}`, 'ERR_STORE_UNSUITABLE'],
    ['sqlite: a directory', async () => `sqlite://${join(dir.path, 'plain')}`, 'ERR_STORE_UNAVAILABLE'],
    ['an unknown scheme', async () => 'redis://127.0.0.1:6379', 'ERR_STORE_URL_INVALID'],
    ['postgres: a closed port', async () => `postgres://weft@127.0.0.1:${await freePort()}/test`, 'ERR_STORE_UNAVAILABLE'],
    ['postgres: a server that never answers', async () => `postgres://weft@127.0.0.1:${await silent()}/test`, 'ERR_STORE_UNAVAILABLE'],
    ['postgres: a server that speaks HTTP', async () => `postgres://weft@127.0.0.1:${await garbage()}/test`, 'ERR_STORE_UNAVAILABLE'],
    ['mongodb: a closed port', async () => `mongodb://127.0.0.1:${await freePort()}/weft`, 'ERR_STORE_UNAVAILABLE'],
    ['mongodb: a server that never answers', async () => `mongodb://127.0.0.1:${await silent()}/weft`, 'ERR_STORE_UNAVAILABLE'],
    ['mongodb: a server that speaks HTTP', async () => `mongodb://127.0.0.1:${await garbage()}/weft`, 'ERR_STORE_UNAVAILABLE'],
    ['mongodb: a standalone mongod (no replica set)', async () => `mongodb://127.0.0.1:${await mongod('standalone')}/weft?directConnection=true`, 'ERR_STORE_UNSUITABLE'],
    ['mongodb: wrong credentials', async () => `mongodb://weft:wrong@127.0.0.1:${await mongod('refusing')}/weft?directConnection=true`, 'ERR_STORE_ACCESS_DENIED'],
  );
  if (postgres.available) {
    const server = new URL(postgres.url);
    failures.push(['postgres: a user that does not exist', async () => `postgres://weft_no_such_user@${server.host}/test`, 'ERR_STORE_ACCESS_DENIED']);
  }

  it.concurrent.each(failures)('weft get: %s', async (_label, url, code) => {
    await expectRefusal(['get', '--store', await url()], 1, code);
  }, TEST_TIMEOUT_MS);

  /** The other commands open the store as get does (withStore): a few failures each are enough. */
  const representative = (): typeof failures => failures.filter(([label]) => /^(sqlite: a file that|postgres: a closed|an unknown)/.test(label));
  it.concurrent.each([
    ['apply', ['apply', '-f', 'spec.yaml'], 1],
    ['delete', ['delete', 'a'], 1],
    ['validate --store', ['validate', '-f', 'spec.yaml'], 1],
    ['diff', ['diff', '-f', 'spec.yaml'], 2],
  ] as const)('weft %s', async (_name, args, exit) => {
    for (const [label, url, code] of representative()) await expectRefusal([...args, '--store', await url()], exit, code, label);
  }, TEST_TIMEOUT_MS);

  const expectRefusal = async (args: readonly string[], exit: number, code: string, label = ''): Promise<void> => {
    const run = await runBounded(args, dir.path);
    expect(run.ms, `${label} ${run.stderr}`).toBeLessThan(ANSWER_WITHIN_MS);
    expect(run.code, `${label} ${run.stderr}`).toBe(exit);
    expect(refusalOf({ code: run.code ?? -1, stdout: '', stderr: run.stderr }).codes, label).toEqual([code]);
  };
});
