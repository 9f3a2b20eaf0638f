import WebSocket from 'ws';
import type { Spec } from '../../../../src/index.ts';

/** listener → router (GET /ws) → upgrader.io; upgrader.out → if (a data frame) → upgrader.in: an echo. */
export function echoFlow(upgrader: Record<string, unknown> = {}, extra: Spec[] = []): Spec[] {
  return [
    { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: [{ name: 'router', port: 'in' }] } },
    { kind: 'router', name: 'router', routes: [{ method: 'GET', path: '/ws', port: 'out[0]' }], links: { 'out[0]': [{ name: 'ws', port: 'io' }] } },
    { kind: 'upgrader', name: 'ws', ...upgrader, links: { out: [{ name: 'frames', port: 'in' }] } },
    { kind: 'if', name: 'frames', when: 'self.type == 1 || self.type == 2', links: { 'out[0]': [{ name: 'echo', port: 'in' }] } },
    { kind: 'snippet', name: 'echo', language: 'cel', code: 'self.data', links: { out: [{ name: 'ws', port: 'in' }] } },
    ...extra,
  ];
}

/** Opens a `ws` client; rejects on error or after `ms`. */
export function connect(url: string, options: WebSocket.ClientOptions = {}, ms = 5000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no open within ${ms} ms`));
    }, ms);
    socket.once('open', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The next message of a client, as text (binary as a Buffer); rejects after `ms`. */
export function nextMessage(socket: WebSocket, ms = 5000): Promise<string | Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message within ${ms} ms`)), ms);
    socket.once('message', (data: Buffer, isBinary: boolean) => {
      clearTimeout(timer);
      resolve(isBinary ? data : data.toString('utf8'));
    });
  });
}

/** Resolves with the close code and reason the client saw; rejects after `ms`. */
export function closed(socket: WebSocket, ms = 5000): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    if (socket.readyState === WebSocket.CLOSED) {
      resolve({ code: -1, reason: 'already closed' });
      return;
    }
    const timer = setTimeout(() => reject(new Error(`no close within ${ms} ms`)), ms);
    socket.once('close', (code: number, reason: Buffer) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
  });
}
