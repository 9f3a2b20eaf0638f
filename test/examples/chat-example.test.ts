import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { closed, connect, nextMessage } from '../codecs/network/ws/ws-flow.ts';
import { exampleSpecs, runExample, type RunningExample } from './run-example.ts';

/** Collects the JSON messages a client receives. */
function inbox(socket: WebSocket): unknown[] {
  const messages: unknown[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8'))));
  return messages;
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('examples/chat.yaml', () => {
  let running: RunningExample;
  beforeAll(async () => {
    running = await runExample(exampleSpecs('chat.yaml'));
  });
  afterAll(async () => {
    await running?.close();
  });

  it('broadcasts each message to everyone in the room, not to other rooms, and announces who leaves', async () => {
    const url = running.url.replace('http:', 'ws:');
    const [a, b, c] = await Promise.all([connect(`${url}/chat/lobby`), connect(`${url}/chat/lobby`), connect(`${url}/chat/lobby`)]);
    const other = await connect(`${url}/chat/elsewhere`);
    const [toA, toB, toC, toOther] = [inbox(a!), inbox(b!), inbox(c!), inbox(other)];
    const first = nextMessage(a!);
    a!.send('hello room');
    const said = JSON.parse(String(await first)) as { from: string; text: string };
    expect(said.text).toBe('hello room');
    expect(said.from).toMatch(/^[0-9a-f-]{36}$/);
    await until(() => toB.length === 1 && toC.length === 1);
    expect(toB).toEqual([said]);
    expect(toC).toEqual([said]);
    expect(toA).toEqual([said]);

    b!.close();
    await closed(b!);
    await until(() => toA.length === 2 && toC.length === 2);
    const left = toA[1] as { from: string; left: boolean };
    expect(left.left).toBe(true);
    expect(left.from).not.toBe(said.from);
    expect(toC[1]).toEqual(left);
    expect(toOther).toEqual([]);

    // B has left the room: a new message reaches A and C only.
    c!.send('still here');
    await until(() => toA.length === 3 && toC.length === 3);
    expect(toB).toHaveLength(1);
    for (const socket of [a!, c!, other]) socket.close();
    await Promise.all([closed(a!), closed(c!), closed(other)]);
  });
});
