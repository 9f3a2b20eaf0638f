import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** What the upstream test server saw of one request. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A node:http server on 127.0.0.1 (a free port) answering with `handle`, recording each request. */
export interface Upstream {
  readonly url: string;
  readonly seen: SeenRequest[];
  /** Requests whose connection closed before the server answered them. */
  readonly cancelled: string[];
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts an upstream server; `handle` gets the request (body read) and answers on `response`. */
export async function startUpstream(handle: (request: SeenRequest, response: ServerResponse) => void): Promise<Upstream> {
  const seen: SeenRequest[] = [];
  const cancelled: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString() };
      seen.push(entry);
      response.on('close', () => {
        if (!response.writableFinished) cancelled.push(entry.url);
      });
      handle(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    cancelled,
    server,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
