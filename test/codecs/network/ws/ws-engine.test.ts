import { connect as netConnect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { UpgraderNode } from '../../../../codecs/network/upgrader.ts';
import { closed, nextMessage } from './ws-flow.ts';
import { engineFlow, open, startEngine, type Engine } from './ws-engine.ts';

describe('WebSockets through an engine (runtime, listener, router, upgrader)', () => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('gives each of 1000 concurrent connections its own echo', async () => {
    engine = await startEngine(engineFlow());
    const sockets: WebSocket[] = [];
    for (let batch = 0; batch < 10; batch++) {
      sockets.push(...(await Promise.all(Array.from({ length: 100 }, () => open(engine!.url).then((opened) => opened.socket)))));
    }
    expect(engine.node<UpgraderNode>('ws').size).toBe(1000);
    const echoes = await Promise.all(sockets.map((socket, i) => {
      const echoed = nextMessage(socket, 20_000);
      socket.send(`message ${i}`);
      return echoed;
    }));
    expect(echoes).toEqual(sockets.map((_, i) => `message ${i}`));
    await Promise.all(sockets.map((socket) => {
      const done = closed(socket, 10_000);
      socket.close();
      return done;
    }));
    await expect.poll(() => engine!.node<UpgraderNode>('ws').size, { timeout: 5000 }).toBe(0);
  }, 30_000);

  it('send delivers to a connection by id from another workflow, and reports ids it does not hold', async () => {
    engine = await startEngine(engineFlow());
    const a = await open(engine.url);
    const b = await open(engine.url);
    const toA = nextMessage(a.socket);
    const toB = nextMessage(b.socket);
    const reply = await engine.call('send', { connection: [a.id, b.id, 'no-such-id'], data: { hi: 1 } });
    expect(reply).toEqual({ delivered: [a.id, b.id], unknown: ['no-such-id'] });
    expect(await toA).toBe('{"hi":1}');
    expect(await toB).toBe('{"hi":1}');
    const binary = nextMessage(a.socket);
    await engine.call('send', { connection: a.id, data: new Uint8Array([7, 8]) });
    expect(await binary).toEqual(Buffer.from([7, 8]));
    const refused = await engine.call('send', { data: 'x' });
    expect((refused as { code: string }).code).toBe('ERR_WS_SEND_INVALID');
    a.socket.close();
    b.socket.close();
    await Promise.all([closed(a.socket), closed(b.socket)]);
  });

  it('rooms: join, broadcast (with except), leave, and a closed connection leaves its rooms', async () => {
    engine = await startEngine(engineFlow());
    const [a, b, c] = await Promise.all([open(engine.url), open(engine.url), open(engine.url)]);
    expect(await engine.call('send', { join: 'r', connection: [a!.id, b!.id, c!.id] })).toEqual({ room: 'r', joined: [a!.id, b!.id, c!.id], unknown: [] });
    const got = [nextMessage(b!.socket), nextMessage(c!.socket)];
    expect(await engine.call('send', { room: 'r', data: 'all but a', except: a!.id })).toEqual({ room: 'r', delivered: 2, clustered: false });
    expect(await Promise.all(got)).toEqual(['all but a', 'all but a']);
    await engine.call('send', { leave: 'r', connection: b!.id });
    c!.socket.close();
    await closed(c!.socket);
    const upgrader = engine.node<UpgraderNode>('ws');
    await expect.poll(() => upgrader.runtime.members('r'), { timeout: 3000 }).toEqual([a!.id]);
    a!.socket.close();
    b!.socket.close();
    await Promise.all([closed(a!.socket), closed(b!.socket)]);
    expect(upgrader.runtime.members('r')).toEqual([]);
  });

  it('closes a client that stops reading once its send buffer passes the bound (1008), with the buffered bytes bounded', async () => {
    const sendBuffer = 256 * 1024;
    engine = await startEngine(engineFlow({ sendBuffer, timeout: '5s' }));
    let raw: Socket | undefined;
    const slow = await open(engine.url, {
      createConnection: (options) => (raw = netConnect(options as never)),
    });
    const connection = engine.node<UpgraderNode>('ws').runtime.connection(slow.id)!;
    raw!.pause();
    const chunk = 'x'.repeat(64 * 1024);
    let sent = 0;
    let overflowed = false;
    for (let i = 0; i < 2000 && !overflowed; i++) {
      const reply = (await engine.call('send', { connection: slow.id, data: chunk })) as { delivered: string[] };
      if (reply.delivered.length === 0) overflowed = true;
      else sent++;
      expect(connection.bufferedAmount).toBeLessThanOrEqual(sendBuffer + chunk.length);
      if (i % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(overflowed).toBe(true);
    expect(sent).toBeGreaterThan(0);
    expect(connection.peakBuffered).toBeLessThanOrEqual(sendBuffer + chunk.length);
    expect(connection.dropped).toBeGreaterThanOrEqual(1);
    // Further frames are dropped and counted, not buffered.
    await engine.call('send', { connection: slow.id, data: chunk });
    expect(connection.bufferedAmount).toBeLessThanOrEqual(sendBuffer + chunk.length);
    const seen = closed(slow.socket, 8000);
    raw!.resume();
    expect((await seen).code).toBe(1008);
  }, 20_000);

  it('closes connections with 1012 when the upgrader spec is replaced, and with 1001 when it is deleted', async () => {
    engine = await startEngine(engineFlow());
    const first = await open(engine.url);
    const restarted = closed(first.socket, 8000);
    const spec = engine.stored.find((stored) => stored.name === 'ws')!;
    await engine.store.update([{ ...spec, ping: '10s' }]);
    expect((await restarted).code).toBe(1012);
    const second = await open(engine.url);
    const echoed = nextMessage(second.socket);
    second.socket.send('after reload');
    expect(await echoed).toBe('after reload');
    const gone = closed(second.socket, 8000);
    await engine.store.delete({ name: 'ws' });
    expect((await gone).code).toBe(1001);
  });

  it('keeps open connections through a listener reload that keeps its address', async () => {
    engine = await startEngine(engineFlow());
    const client = await open(engine.url);
    const listener = engine.stored.find((stored) => stored.kind === 'listener')!;
    const before = engine.runtime.table.byName('http')!.node;
    await engine.store.update([{ ...listener, limits: { bodySize: 1024 } }]);
    await expect.poll(() => engine!.runtime.table.byName('http')!.node !== before, { timeout: 3000 }).toBe(true);
    const echoed = nextMessage(client.socket);
    client.socket.send('still open');
    expect(await echoed).toBe('still open');
    const second = await open(engine.url);
    expect(second.id).not.toBe(client.id);
    client.socket.close();
    second.socket.close();
    await Promise.all([closed(client.socket), closed(second.socket)]);
  });

  it('closes open connections with 1001 when the engine stops', async () => {
    engine = await startEngine(engineFlow());
    const client = await open(engine.url);
    const gone = closed(client.socket, 8000);
    const started = Date.now();
    await engine.close();
    engine = undefined;
    expect((await gone).code).toBe(1001);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
