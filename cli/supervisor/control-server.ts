import { unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WeftError } from '../../src/index.ts';
import { requestSupervisor } from './control-client.ts';

/** What the control socket serves: the slots' snapshots and restarts. */
export interface ControlHandlers {
  /** `GET /engines`. */
  readonly engines: () => unknown;
  /** `POST /restart?namespace=NS`: the namespace's slots after the restart, or undefined when it runs none. */
  readonly restart: (namespace: string) => unknown;
}

/**
 * The control socket of `weft up`: HTTP over a Unix socket in the run directory (file mode of the
 * directory: owner only), so only the user who runs it can ask. A socket file left behind by a
 * supervisor that died is replaced; one that answers is ERR_SUPERVISOR_RUNNING.
 */
export async function listenControl(socket: string, handlers: ControlHandlers): Promise<Server> {
  const server = createServer((request, response) => void answer(request, response, handlers));
  try {
    await listen(server, socket);
  } catch (thrown) {
    if ((thrown as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw thrown;
    const running = await requestSupervisor(socket, 'GET', '/engines').catch(() => undefined);
    if (running !== undefined) throw new WeftError('ERR_SUPERVISOR_RUNNING', { pid: String((running as { pid?: unknown }).pid ?? '?'), socket });
    unlinkSync(socket);
    await listen(server, socket);
  }
  return server;
}

function listen(server: Server, socket: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function answer(request: IncomingMessage, response: ServerResponse, handlers: ControlHandlers): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://weft-up');
  const send = (status: number, body: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  request.resume();
  if (request.method === 'GET' && url.pathname === '/engines') return send(200, handlers.engines());
  if (request.method === 'POST' && url.pathname === '/restart') {
    const namespace = url.searchParams.get('namespace') ?? '';
    const result = handlers.restart(namespace);
    if (result === undefined) return send(404, { error: { code: 'ERR_UP_NAMESPACE_UNKNOWN', params: { namespace } } });
    return send(200, result);
  }
  send(404, { error: { code: 'ERR_INTERNAL', params: { reason: `no route ${request.method ?? ''} ${url.pathname}` } } });
}
