import { connect as netConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ListenerNode } from '../../../../codecs/network/listener.ts';
import { ProcessGroup } from '../../../../src/index.ts';
import { until, within } from '../../../harness/wait.ts';
import { testContext, wire, type Wired } from '../../../harness/wire.ts';
import { connect, echoFlow, nextMessage } from './ws-flow.ts';

describe('WebSocket while the namespace is paused', () => {
  let wired: Wired | undefined;
  afterEach(async () => {
    await wired?.close();
    wired = undefined;
  });

  it('an open connection reads no frame while paused and answers them in order after resume', async () => {
    const group = new ProcessGroup();
    wired = await wire(echoFlow(), testContext({ processes: group }));
    const socket = await connect(`ws://127.0.0.1:${wired.node<ListenerNode>('http').port}/ws`);
    const first = nextMessage(socket);
    socket.send('before');
    expect(await first).toBe('before');
    group.pause();
    const echoes: string[] = [];
    socket.on('message', (data: Buffer) => echoes.push(data.toString('utf8')));
    for (const text of ['one', 'two', 'three']) socket.send(text);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(echoes).toEqual([]);
    group.resume();
    await until(() => echoes.length === 3, 5000);
    expect(echoes).toEqual(['one', 'two', 'three']);
    socket.close();
  });

  it('an upgrade request waits in the backlog while paused and opens on resume', async () => {
    const group = new ProcessGroup();
    wired = await wire(echoFlow(), testContext({ processes: group }));
    group.pause();
    const opening = connect(`ws://127.0.0.1:${wired.node<ListenerNode>('http').port}/ws`, {}, 5000);
    await until(() => group.backlogSize === 1, 5000);
    group.resume();
    const socket = await within(opening, 5000);
    const echo = nextMessage(socket);
    socket.send('hi');
    expect(await echo).toBe('hi');
    socket.close();
  });

  it('an upgrade request that finds the backlog full is answered 503 ERR_BACKLOG_FULL with Retry-After', async () => {
    const group = new ProcessGroup({ backlogLimit: 0 });
    wired = await wire(echoFlow(), testContext({ processes: group }));
    group.pause();
    const answer = await within(rawUpgrade(wired.node<ListenerNode>('http').port!), 5000);
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer).toMatch(/\r\nRetry-After: \d+\r\n/);
    expect(answer).toContain('"code":"ERR_BACKLOG_FULL"');
    expect(group.backpressureEvents).toBe(1);
  });
});

/** Sends a WebSocket upgrade request on a raw socket and resolves with everything answered before close. */
function rawUpgrade(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1', () => socket.write(
      'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    ));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}
