import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceAvailable } from '../../../fixtures/services.ts';
import { closed, nextMessage } from './ws-flow.ts';
import { engineFlow, open, startEngine, type Engine } from './ws-engine.ts';

const redis = await serviceAvailable('redis');

describe.skipIf(!redis.available)('WebSockets across two engines on one Redis (cluster)', () => {
  const engines: Engine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
  });

  it('send on engine A reaches a connection engine B holds; room broadcasts reach members on both', async () => {
    const a = await startEngine(engineFlow({ cluster: redis.url }));
    engines.push(a);
    const b = await startEngine(engineFlow({ cluster: redis.url }));
    engines.push(b);
    expect(a.runtime).not.toBe(b.runtime);
    const onA = await open(a.url);
    const onB = await open(b.url);

    const direct = [nextMessage(onA.socket), nextMessage(onB.socket)];
    expect(await a.call('send', { connection: [onB.id, onA.id], data: 'from A' })).toEqual({ delivered: [onA.id], forwarded: [onB.id], unknown: [] });
    expect(await Promise.all(direct)).toEqual(['from A', 'from A']);

    const room = `room-${randomUUID()}`;
    // A joins its own connection and, through the bus, B's.
    expect(await a.call('send', { join: room, connection: [onA.id, onB.id] })).toEqual({ room, joined: [onA.id], forwarded: [onB.id] });
    await expect.poll(() => b.node<{ runtime: { members(room: string): readonly string[] } }>('ws').runtime.members(room), { timeout: 3000 }).toEqual([onB.id]);
    const both = [nextMessage(onA.socket), nextMessage(onB.socket)];
    expect(await b.call('send', { room, data: { text: 'to the room' } })).toEqual({ room, delivered: 1, clustered: true });
    expect(await Promise.all(both)).toEqual(['{"text":"to the room"}', '{"text":"to the room"}']);

    onA.socket.close();
    onB.socket.close();
    await Promise.all([closed(onA.socket), closed(onB.socket)]);
  });
});
