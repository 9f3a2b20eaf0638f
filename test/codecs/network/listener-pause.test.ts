import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { Packet, ProcessGroup, type Handler } from '../../../src/index.ts';
import { startListener, type TestServer } from '../../harness/listen.ts';
import { testContext } from '../../harness/wire.ts';
import { until, within } from '../../harness/wait.ts';

let server: TestServer | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  await server?.close();
  await agent?.close();
  server = undefined;
  agent = undefined;
});

/** A listener whose handler records the path of each request it runs and answers `{path}`. */
async function recording(group: ProcessGroup): Promise<{ server: TestServer; seen: string[] }> {
  const seen: string[] = [];
  const handler: Handler = (_process, packet) => {
    const { path } = packet.payload as { path: string };
    seen.push(path);
    return new Packet({ path });
  };
  server = await startListener({ out: handler }, testContext({ processes: group }));
  agent = new Agent({ connections: 64 });
  return { server, seen };
}

interface Answer { status: number; body: { path?: string; error?: { code: string } }; retryAfter?: string }

async function get(url: string): Promise<Answer> {
  const response = await request(url, { dispatcher: agent, signal: AbortSignal.timeout(10_000) });
  const body = (await response.body.json()) as Answer['body'];
  return { status: response.statusCode, body, retryAfter: response.headers['retry-after'] as string | undefined };
}

describe('listener while its namespace is paused', () => {
  it('pause under load: no request fails while the backlog has room, and every held request is served after resume', async () => {
    const group = new ProcessGroup({ backlogLimit: 10_000 });
    const { server: s, seen } = await recording(group);
    let stop = false;
    const answers: Answer[] = [];
    const sent: string[] = [];
    const client = async (id: number): Promise<void> => {
      for (let seq = 0; !stop; seq++) {
        const path = `/c${id}/${seq}`;
        sent.push(path);
        answers.push(await get(s.url + path));
      }
    };
    const clients = Array.from({ length: 16 }, (_, id) => client(id));
    await until(() => answers.length >= 200, 5000);
    group.pause();
    // Each client's next request waits in the backlog: 16 of them, and nothing runs.
    await until(() => group.backlogSize === 16, 5000);
    const seenWhilePaused = seen.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.length).toBe(seenWhilePaused);
    group.resume();
    const resumedAt = answers.length;
    await until(() => answers.length >= resumedAt + 200, 5000);
    stop = true;
    await within(Promise.all(clients), 10_000);
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(answers.length).toBe(sent.length);
    expect([...seen].sort()).toEqual([...sent].sort());
    expect(group.backpressureEvents).toBe(0);
  });

  it('overflow answers 503 ERR_BACKLOG_FULL with Retry-After; resume drains the backlog in arrival order; counts match', async () => {
    const limit = 20;
    const group = new ProcessGroup({ backlogLimit: limit });
    const { server: s, seen } = await recording(group);
    group.pause();
    const held: Promise<Answer>[] = [];
    for (let index = 0; index < limit; index++) {
      held.push(get(`${s.url}/held/${index}`));
      // One at a time into the backlog, so its order is known.
      await until(() => group.backlogSize === index + 1, 5000);
    }
    const overflow = await within(Promise.all(Array.from({ length: 7 }, (_, index) => get(`${s.url}/over/${index}`))), 5000);
    for (const answer of overflow) {
      expect(answer.status).toBe(503);
      expect(answer.body.error?.code).toBe('ERR_BACKLOG_FULL');
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
    expect(group.backpressureEvents).toBe(7);
    expect(seen).toEqual([]);
    group.resume();
    const answers = await within(Promise.all(held), 5000);
    expect(answers.map((answer) => answer.status)).toEqual(Array(limit).fill(200));
    const order = Array.from({ length: limit }, (_, index) => `/held/${index}`);
    expect(seen).toEqual(order);
    expect(answers.map((answer) => answer.body.path)).toEqual(order);
    expect(group.backlogSize).toBe(0);
  });

  it('a request held in the backlog is answered 503 ERR_SHUTTING_DOWN when the namespace shuts down instead', async () => {
    const group = new ProcessGroup();
    const { server: s, seen } = await recording(group);
    group.pause();
    const held = get(`${s.url}/held`);
    await until(() => group.backlogSize === 1, 5000);
    await within(group.drain(1000));
    const answer = await within(held, 5000);
    expect(answer.status).toBe(503);
    expect(answer.body.error?.code).toBe('ERR_SHUTTING_DOWN');
    expect(seen).toEqual([]);
  });

  it('a client that leaves while held gets no process on resume', async () => {
    const group = new ProcessGroup();
    const { server: s, seen } = await recording(group);
    group.pause();
    const controller = new AbortController();
    const held = request(`${s.url}/gone`, { dispatcher: agent, signal: controller.signal }).catch(() => 'aborted');
    await until(() => group.backlogSize === 1, 5000);
    controller.abort();
    expect(await within(held)).toBe('aborted');
    await new Promise((resolve) => setTimeout(resolve, 50));
    group.resume();
    expect((await within(get(`${s.url}/after`))).status).toBe(200);
    expect(seen).toEqual(['/after']);
    expect(group.size).toBe(0);
  });
});
