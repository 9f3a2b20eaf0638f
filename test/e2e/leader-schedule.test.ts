// Two `weft start` processes on one SQLite file (and on one PostgreSQL schema) run a `leader: true` schedule every second; each
// tick calls an HTTP server of the test, which counts the ticks. SIGKILL of the leader: the
// other engine takes over within the lease time, no tick fires twice, and the ticks of the gap
// are replayed only with catchUp.
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { eventually, spawnWeft, tempDir } from '../harness/cli.ts';
import { scratchSchema } from '../fixtures/postgres-scratch.ts';
import { serviceAvailable } from '../fixtures/services.ts';

const postgres = await serviceAvailable('postgres');
const scratch = postgres.available ? await scratchSchema(postgres.url) : undefined;
afterAll(async () => scratch?.drop());

type Engine = ReturnType<typeof spawnWeft>;
const LEASE_MS = 3000;

/** An HTTP server on 127.0.0.1 that records the `scheduled` time of every tick it gets, with duplicates. */
async function tickCounter(): Promise<{ server: Server; url: string; ticks: number[] }> {
  const ticks: number[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      ticks.push(Date.parse((JSON.parse(body) as { scheduled: string }).scheduled));
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/tick`, ticks };
}

function workflow(url: string, catchUp: boolean): string {
  return JSON.stringify([
    { kind: 'schedule', name: 'beat', cron: '* * * * * *', leader: true, lease: `${LEASE_MS}ms`, catchUp, links: { out: [{ name: 'call', port: 'in' }] } },
    { kind: 'http', name: 'call', url, method: 'POST', timeout: '2s' },
  ]);
}

const leads = (engine: Engine): boolean => engine.output().includes('schedule: this engine leads');

describe('a leader schedule on two engines sharing a store', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  let counter: Awaited<ReturnType<typeof tickCounter>> | undefined;
  const engines: Engine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) {
      if (engine.exitCode === null && engine.signalCode === null) {
        engine.kill('SIGKILL');
        await new Promise((resolve) => engine.once('exit', resolve));
      }
    }
    await new Promise((resolve) => counter?.server.close(resolve) ?? resolve(undefined));
    dir?.remove();
  });

  const cases = [{ store: 'sqlite', catchUp: false }, { store: 'sqlite', catchUp: true }, { store: 'postgres', catchUp: false }] as const;
  for (const { store, catchUp } of cases) {
    it.skipIf(store === 'postgres' && scratch === undefined)(`fires each tick once, and after SIGKILL of the leader the other takes over within the lease (${store}, catchUp: ${catchUp})`, async () => {
      dir = tempDir();
      counter = await tickCounter();
      const { ticks } = counter;
      writeFileSync(join(dir.path, 'schedule.json'), workflow(counter.url, catchUp));
      const url = store === 'postgres' ? scratch!.url({ table: `leader_${Date.now() % 100_000}` }) : `sqlite://${join(dir.path, 'weft.db')}`;
      const env = { WEFT_STORE: url, WEFT_LOG_LEVEL: 'info' };
      const first = spawnWeft(['start', '-f', 'schedule.json'], { cwd: dir.path, env });
      engines.push(first);
      await eventually(async () => (ticks.length > 0 ? true : undefined), 15_000, 'the first tick');
      const second = spawnWeft(['start'], { cwd: dir.path, env });
      engines.push(second);
      await eventually(async () => (second.output().includes('runtime started') ? true : undefined), 15_000, 'the second engine');
      const steady = ticks.length;
      await eventually(async () => (ticks.length >= steady + 3 ? true : undefined), 10_000, 'three ticks with both engines up');
      const [leader, follower] = leads(first) ? [first, second] : [second, first];
      expect(leads(follower), follower.output()).toBe(false);

      leader.kill('SIGKILL');
      const killedAt = Date.now();
      await new Promise((resolve) => leader.once('exit', resolve));
      const before = [...ticks];
      const lastBefore = Math.max(...before);
      await eventually(async () => (ticks.some((tick) => tick > killedAt) ? true : undefined), LEASE_MS + 3000, 'a tick after the takeover');
      const takenOverAt = Math.min(...ticks.filter((tick) => tick > killedAt));
      // The lease lapses at most LEASE_MS after the last renewal; the follower tries every tick.
      expect(takenOverAt - killedAt).toBeLessThanOrEqual(LEASE_MS + 1500);
      await eventually(async () => (ticks.filter((tick) => tick > killedAt).length >= 3 ? true : undefined), 6000, 'three ticks after the takeover');
      expect(leads(follower)).toBe(true);

      const all = [...ticks].sort((a, b) => a - b);
      expect(new Set(all).size, 'no tick fires twice').toBe(all.length);
      for (const tick of all) expect(tick % 1000).toBe(0);
      const first0 = all[0]!;
      const expected = Array.from({ length: (all.at(-1)! - first0) / 1000 + 1 }, (_, index) => first0 + index * 1000);
      const missing = expected.filter((tick) => !all.includes(tick));
      if (catchUp) {
        // Every tick fires; at most the one the leader recorded and was killed before calling out is lost.
        expect(missing.length, `missing ${missing.map((tick) => new Date(tick).toISOString()).join(', ')}`).toBeLessThanOrEqual(1);
        expect(missing.every((tick) => Math.abs(tick - killedAt) <= 1000)).toBe(true);
      } else {
        // The ticks between the last one the old leader fired and the takeover are not replayed.
        expect(missing.length).toBeGreaterThanOrEqual(1);
        expect(missing.every((tick) => tick > lastBefore - 1000 && tick < takenOverAt)).toBe(true);
        expect(all.filter((tick) => tick > lastBefore && tick < takenOverAt)).toEqual([]);
      }
    }, 45_000);
  }
});
