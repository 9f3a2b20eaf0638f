import { connect, type Socket } from 'node:net';

/** What a raw exchange saw: the bytes the server sent, whether it closed, and a socket error code. */
export interface RawExchange {
  readonly response: string;
  readonly closed: boolean;
  readonly error?: string;
  /** Milliseconds from connect to the server closing (or to the wait ending). */
  readonly ms: number;
}

/** Opens a TCP connection to 127.0.0.1:`port`, resolved once connected (rejects after 2 s). */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('connect timed out'));
    }, 2000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * Sends `data` (all at once, or each item after `gapMs`), then waits until the server closes or
 * `waitMs` pass, whichever comes first, and destroys the socket.
 */
export async function exchange(port: number, data: string | Buffer | readonly (string | Buffer)[], options: { waitMs?: number; gapMs?: number } = {}): Promise<RawExchange> {
  const started = Date.now();
  const socket = await openSocket(port);
  let response = '';
  let error: string | undefined;
  let closed = false;
  socket.on('data', (chunk: Buffer) => (response += chunk.toString('latin1')));
  socket.on('error', (thrown: NodeJS.ErrnoException) => (error = thrown.code ?? thrown.message));
  const ended = new Promise<void>((resolve) => socket.once('close', () => {
    closed = true;
    resolve();
  }));
  const parts = typeof data === 'string' || Buffer.isBuffer(data) ? [data] : data;
  const writing = (async () => {
    for (const part of parts) {
      if (closed) return;
      if (!socket.write(part)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), ended]);
      if (options.gapMs !== undefined) await Promise.race([new Promise((resolve) => setTimeout(resolve, options.gapMs)), ended]);
    }
  })();
  const waitMs = options.waitMs ?? 2000;
  await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, waitMs))]);
  await Promise.race([writing, new Promise((resolve) => setTimeout(resolve, 10))]);
  const ms = Date.now() - started;
  socket.destroy();
  return error === undefined ? { response, closed, ms } : { response, closed, error, ms };
}

/** The status code of the first response in raw HTTP text, or undefined when there is none. */
export function statusOf(response: string): number | undefined {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(response);
  return match === null ? undefined : Number(match[1]);
}

/** Resolves with how long `socket` took to close, or undefined when it is still open after `ms`. */
export function closedWithin(socket: Socket, ms: number): Promise<number | undefined> {
  const started = Date.now();
  if (socket.destroyed) return Promise.resolve(0);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}
