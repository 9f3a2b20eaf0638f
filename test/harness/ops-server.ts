import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import FindMyWay from 'find-my-way';
import type { OpsRoute } from '../../src/index.ts';

/** A test-only server of ops routes on 127.0.0.1 (a free port): the stand-in for the ops server. */
export interface TestOpsServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `127.0.0.1:PORT` (what `--ops` takes). */
  readonly address: string;
  close(): Promise<void>;
}

/**
 * Serves `routes` over real HTTP the way the ops server does (JSON bodies in and out, route
 * params, 404 for an unknown path), without authentication: for the control routes' and the
 * CLI's tests before the ops server exists.
 */
export async function serveOps(routes: readonly OpsRoute[]): Promise<TestOpsServer> {
  const router = FindMyWay({ ignoreTrailingSlash: true });
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://ops');
    const found = router.find(request.method as 'GET', url.pathname);
    void (async () => {
      if (found === null) {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'ERR_NOT_FOUND', message: 'no route' } }));
        return;
      }
      const route = (found.store as { route: OpsRoute }).route;
      const text = await readText(request);
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'ERR_INVALID_JSON', message: 'bad json' } }));
        return;
      }
      const answer = await route.handle({
        method: request.method ?? 'GET', path: url.pathname, params: found.params as Record<string, string>, query: url.searchParams, headers: request.headers, body,
      });
      const type = answer.contentType ?? 'application/json';
      response.writeHead(answer.status, { ...answer.headers, 'content-type': type });
      response.end(answer.contentType === undefined ? JSON.stringify(answer.body) : String(answer.body));
    })().catch((thrown: unknown) => response.writeHead(500).end(String(thrown)));
  });
  for (const route of routes) router.on(route.method, route.path, () => undefined, { route });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    address: `127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function readText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
