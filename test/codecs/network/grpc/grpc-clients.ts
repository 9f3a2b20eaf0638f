import { once } from 'node:events';
import type { Duplex, Readable, Writable } from 'node:stream';
import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** A plain grpc-js client (not weft) of one service of a .proto file, with promise helpers. */
export interface TestClient {
  readonly client: Client & Record<string, (...args: unknown[]) => unknown>;
  unary(method: string, request: object, metadata?: Metadata): Promise<Record<string, unknown>>;
  /** A server-streaming call: the responses, in order. */
  serverStream(method: string, request: object): Promise<Record<string, unknown>[]>;
  /** A client-streaming call: writes the requests (honouring backpressure), then the response. */
  clientStream(method: string, requests: readonly object[]): Promise<Record<string, unknown>>;
  /** A bidirectional call: writes the requests, half-closes, and collects the responses in order. */
  bidi(method: string, requests: readonly object[]): Promise<Record<string, unknown>[]>;
  close(): void;
}

/** Opens a grpc-js client for `service` (`pkg.Service`) of `proto` at `target`. */
export function testClient(proto: string, service: string, target: string): TestClient {
  const definition = loadPackageDefinition(loadSync(proto, { keepCase: true, longs: String, enums: String, defaults: true }));
  let constructor: unknown = definition;
  for (const part of service.split('.')) constructor = (constructor as Record<string, unknown>)[part];
  const Service = constructor as new (target: string, creds: ReturnType<typeof credentials.createInsecure>) => TestClient['client'];
  const client = new Service(target, credentials.createInsecure());
  return {
    client,
    unary: (method, request, metadata = new Metadata()) => new Promise((resolve, reject) => {
      client[method]!(request, metadata, { deadline: Date.now() + 5000 }, (error: ServiceError | null, response: Record<string, unknown>) => (error === null ? resolve(response) : reject(error)));
    }),
    serverStream: (method, request) => collect(client[method]!(request, new Metadata(), { deadline: Date.now() + 20_000 }) as Readable),
    clientStream: (method, requests) => new Promise((resolve, reject) => {
      const stream = client[method]!(new Metadata(), { deadline: Date.now() + 20_000 }, (error: ServiceError | null, response: Record<string, unknown>) => (error === null ? resolve(response) : reject(error))) as Writable;
      void writeAll(stream, requests);
    }),
    bidi: (method, requests) => {
      const stream = client[method]!(new Metadata(), { deadline: Date.now() + 20_000 }) as Duplex;
      const responses = collect(stream);
      void writeAll(stream, requests);
      return responses;
    },
    close: () => client.close(),
  };
}

function collect(stream: Readable): Promise<Record<string, unknown>[]> {
  const responses: Record<string, unknown>[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (response: Record<string, unknown>) => responses.push(response));
    stream.on('error', reject);
    stream.on('end', () => resolve(responses));
  });
}

async function writeAll(stream: Writable, requests: readonly object[]): Promise<void> {
  for (const request of requests) {
    if (!stream.write(request)) await once(stream, 'drain');
  }
  stream.end();
}

/** The rejection of a call, as a ServiceError. */
export async function callError(call: Promise<unknown>): Promise<ServiceError> {
  try {
    await call;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('the call succeeded');
}
