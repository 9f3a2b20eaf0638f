import { afterEach, describe, expect, it } from 'vitest';
import { Packet, type Handler } from '../../../src/index.ts';
import { capturingLogger } from '../../harness/capture-logger.ts';
import { startListener, type TestServer } from '../../harness/listen.ts';
import { exchange, openSocket, statusOf } from '../../harness/raw-http.ts';
import { testContext } from '../../harness/wire.ts';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('listener client disconnects', () => {
  it('ends the process of a request whose client closes before the reply, with ERR_CLIENT_CLOSED, logging no error', async () => {
    const logger = capturingLogger();
    const exits: (string | undefined)[] = [];
    let aborted: unknown;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const slow: Handler = (process) => {
      process.onExit((error) => void exits.push((error as { code?: string } | undefined)?.code));
      started();
      // Waits for its process to end, as a long call (sleep, a store query) would.
      return new Promise((resolve) => process.signal.addEventListener('abort', () => {
        aborted = process.signal.reason;
        resolve(new Packet('too late'));
      }, { once: true }));
    };
    server = await startListener({ out: slow }, testContext({ logger }));
    const socket = await openSocket(server.node.port!);
    socket.write('GET /slow?secret=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await running;
    socket.destroy();
    await expect.poll(() => exits, { timeout: 2000 }).toEqual(['ERR_CLIENT_CLOSED']);
    expect(aborted).toMatchObject({ code: 'ERR_CLIENT_CLOSED' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logger.lines.filter((line) => line.level === 'error' || line.level === 'warn')).toEqual([]);
    // The server is fine afterwards.
    const after = await startListener({ out: () => new Packet('ok') });
    await after.close();
  });

  it('leaves keep-alive connections alone once their reply is written', async () => {
    const exits: (Error | undefined)[] = [];
    server = await startListener({ out: (process) => {
      process.onExit((error) => void exits.push(error));
      return new Packet('ok');
    } });
    const result = await exchange(server.node.port!, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', { waitMs: 200 });
    expect(statusOf(result.response)).toBe(200);
    await expect.poll(() => exits.length, { timeout: 2000 }).toBe(1);
    expect(exits).toEqual([undefined]);
  });
});
