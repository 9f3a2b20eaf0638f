import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocketClientNode } from '../../../../codecs/network/websocket.ts';
import { InPort, Packet, Process, type WeftError } from '../../../../src/index.ts';
import { until, within } from '../../../harness/wait.ts';
import { wire, type Wired } from '../../../harness/wire.ts';

/** A raw `ws` echo server on a free loopback port. */
async function echoServer(): Promise<{ server: WebSocketServer; url: string }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  const address = server.address() as { port: number };
  return { server, url: `ws://127.0.0.1:${address.port}` };
}

describe('websocket client against a real ws server', () => {
  let wired: Wired | undefined;
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    await wired?.close();
    wired = undefined;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  const client = async (url: string, extra: Record<string, unknown> = {}) => {
    wired = await wire([{ kind: 'websocket', name: 'client', url, ...extra }]);
    return wired.node<WebSocketClientNode>('client');
  };

  it('dials, sends on in from the opening process, and gets the echo on out', async () => {
    const { server, url } = await echoServer();
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const node = await client(url);
    const frames: unknown[] = [];
    node.outPort.link(new InPort('recorder', (_process, packet) => {
      frames.push(packet.payload);
      return Packet.None;
    }));
    const process = new Process();
    const opened = await within(Promise.resolve(node.in('io')!.handle(process, new Packet({}))), 5000);
    expect(opened).toBe(Packet.None);
    expect(await node.in('in')!.handle(process, new Packet('ping me'))).toBe(Packet.None);
    expect(await node.in('in')!.handle(process, new Packet({ a: 1 }))).toBe(Packet.None);
    await until(() => frames.length >= 3, 3000).catch(() => {
      throw new Error(`frames: ${JSON.stringify(frames)}`);
    });
    expect(frames.slice(1).map((frame) => (frame as { data: unknown }).data)).toEqual(['ping me', '{"a":1}']);
    // The calling process holds the connection: ending it closes the connection.
    await process.exit();
    await until(() => node.size === 0, 3000).catch(() => {
      throw new Error(`size ${node.size} frames: ${JSON.stringify(frames)}`);
    });
    await until(() => frames.some((frame) => (frame as { type: number }).type === 8), 3000);
  });

  it('reports a refused connection as ERR_WS_CONNECT on error', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const port = (free.address() as { port: number }).port;
    await new Promise((resolve) => free.close(resolve));
    const node = await client(`ws://127.0.0.1:${port}`);
    const errors: unknown[] = [];
    node.errorPort.link(new InPort('errors', (_process, packet) => {
      errors.push(packet.payload);
      return new Packet('handled');
    }));
    const reply = await within(Promise.resolve(node.in('io')!.handle(new Process(), new Packet({}))), 5000);
    expect(reply.payload).toBe('handled');
    expect((errors[0] as WeftError).code).toBe('ERR_WS_CONNECT');
  });

  it('gives ERR_WS_TIMEOUT when the server never completes the handshake', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      silent.close();
    });
    const sockets: Socket[] = [];
    silent.on('connection', (socket) => sockets.push(socket));
    cleanups.push(() => sockets.forEach((socket) => socket.destroy()));
    const node = await client(`ws://127.0.0.1:${(silent.address() as { port: number }).port}`, { timeout: '200ms' });
    const reply = await within(Promise.resolve(node.in('io')!.handle(new Process(), new Packet({}))), 5000);
    expect((reply.payload as WeftError).code).toBe('ERR_WS_TIMEOUT');
  });

  it('answers in without a connection with ERR_WS_NO_CONNECTION', async () => {
    const node = await client('ws://127.0.0.1:9');
    const reply = await node.in('in')!.handle(new Process(), new Packet('x'));
    expect((reply.payload as WeftError).code).toBe('ERR_WS_NO_CONNECTION');
  });
});
