import { connect as netConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ListenerNode } from '../../../../codecs/network/listener.ts';
import type { UpgraderNode } from '../../../../codecs/network/upgrader.ts';
import { InPort, Packet } from '../../../../src/index.ts';
import { until } from '../../../harness/wait.ts';
import { wire, type Wired } from '../../../harness/wire.ts';
import { closed, connect, echoFlow, nextMessage } from './ws-flow.ts';

/** Sends raw bytes and resolves with everything the server answers before it closes. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer')));
  });
}

describe('upgrader through a real listener', () => {
  let wired: Wired | undefined;
  afterEach(async () => {
    await wired?.close();
    wired = undefined;
  });

  const start = async (upgrader: Record<string, unknown> = {}) => {
    wired = await wire(echoFlow(upgrader));
    return `ws://127.0.0.1:${wired.node<ListenerNode>('http').port}/ws`;
  };

  it('echoes text as text and binary as binary, each connection its own', async () => {
    const url = await start();
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    const fromA = nextMessage(a);
    const fromB = nextMessage(b);
    a.send('hello a');
    b.send(Buffer.from([1, 2, 3]));
    expect(await fromA).toBe('hello a');
    expect(await fromB).toEqual(Buffer.from([1, 2, 3]));
    a.close();
    b.close();
    await Promise.all([closed(a), closed(b)]);
  });

  it('answers a plain request to the route without an upgrade as an error, and an unknown path with 404', async () => {
    const url = await start();
    const plain = await fetch(url.replace('ws:', 'http:'), { signal: AbortSignal.timeout(5000) });
    expect(plain.status).toBe(412);
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe('ERR_WS_NOT_UPGRADE');
    await expect(connect(url.replace('/ws', '/nope'))).rejects.toThrow(/404/);
  });

  it('sends open, each frame and close on out, in processes under the connection whose id they carry', async () => {
    const url = await start();
    const events: { type: number; data: unknown; connection: string }[] = [];
    wired!.node<UpgraderNode>('ws').outPort.link(new InPort('recorder', (_process, packet) => {
      events.push(packet.payload as never);
      return Packet.None;
    }));
    const client = await connect(url + '?room=a');
    const echoed = nextMessage(client);
    client.send('{"n":1}');
    expect(await echoed).toBe('{"n":1}');
    client.close(4000, 'bye');
    await until(() => events.some((event) => event.type === 8), 2000);
    const id = events[0]!.connection;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(events.map((event) => event.type)).toEqual([0, 1, 8]);
    expect(events.every((event) => event.connection === id)).toBe(true);
    expect(events[0]!.data).toMatchObject({ path: '/ws', query: { room: ['a'] } });
    expect(events[1]!.data).toBe('{"n":1}');
    expect(events[2]!.data).toEqual({ code: 4000, reason: 'bye' });
    expect(wired!.node<UpgraderNode>('ws').runtime.connection(id)).toBeUndefined();
  });

  it('answers in on a closed connection with ERR_WS_CLOSED (from the close event’s process)', async () => {
    const url = await start();
    const upgrader = wired!.node<UpgraderNode>('ws');
    const replies: unknown[] = [];
    upgrader.outPort.link(new InPort('on-close', (process, packet) => {
      if ((packet.payload as { type: number }).type !== 8) return Packet.None;
      const reply = upgrader.inPort.handle(process, new Packet('too late'));
      replies.push((reply as Packet).payload);
      return Packet.None;
    }));
    const client = await connect(url);
    client.close();
    await closed(client);
    await until(() => replies.length === 1, 2000);
    expect((replies[0] as { code: string }).code).toBe('ERR_WS_CLOSED');
  });

  it('registers gateway, uniflow’s name, as the same kind', async () => {
    wired = await wire(echoFlow().map((spec) => (spec.kind === 'upgrader' ? { ...spec, kind: 'gateway', protocol: 'websocket' } : spec)));
    const client = await connect(`ws://127.0.0.1:${wired.node<ListenerNode>('http').port}/ws`);
    const echoed = nextMessage(client);
    client.send('via gateway');
    expect(await echoed).toBe('via gateway');
    client.close();
    await closed(client);
  });

  it('refuses an upgrade request that is not a valid handshake with 400 and ERR_WS_HANDSHAKE on error', async () => {
    const url = await start();
    const errors: unknown[] = [];
    wired!.node<UpgraderNode>('ws').errorPort.link(new InPort('errors', (_process, packet) => {
      errors.push(packet.payload);
      return Packet.None;
    }));
    const port = wired!.node<ListenerNode>('http').port!;
    const answer = await rawRequest(port, 'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 99\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    await until(() => errors.length === 1, 2000);
    expect((errors[0] as { code: string }).code).toBe('ERR_WS_HANDSHAKE');
    expect(url).toContain('/ws');
  });

  it('closes a message larger than maxPayload with 1009', async () => {
    const url = await start({ maxPayload: 1024 });
    const client = await connect(url);
    const closing = closed(client);
    client.send('x'.repeat(2048));
    expect((await closing).code).toBe(1009);
  });

  it('drops a peer that stops answering pings', async () => {
    const url = await start({ ping: '100ms' });
    const client = await connect(url, { autoPong: false });
    const upgrader = wired!.node<UpgraderNode>('ws');
    expect(upgrader.size).toBe(1);
    const seen = await closed(client, 3000);
    expect(seen.code).toBe(1006);
    await until(() => upgrader.size === 0, 2000);
  });

  it('closes its connections with 1001 when the node closes', async () => {
    const url = await start();
    const client = await connect(url);
    const closing = closed(client);
    await wired!.node<UpgraderNode>('ws').close();
    expect((await closing).code).toBe(1001);
  });
});

describe('upgrader cluster', () => {
  it('does not load when its cluster Redis does not answer: ERR_WS_CLUSTER_UNAVAILABLE', async () => {
    const started = Date.now();
    const failure = await wire([{ kind: 'upgrader', name: 'ws', cluster: 'redis://127.0.0.1:1' }]).then(() => undefined, (error: unknown) => error);
    expect((failure as { code?: string } | undefined)?.code).toBe('ERR_WS_CLUSTER_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(8000);
  }, 15_000);
});
