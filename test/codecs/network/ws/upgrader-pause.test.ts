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
});
