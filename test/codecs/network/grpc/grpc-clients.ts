import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** A plain grpc-js client (not weft) of one service of a .proto file, with promise helpers. */
export interface TestClient {
  readonly client: Client & Record<string, (...args: unknown[]) => unknown>;
  unary(method: string, request: object): Promise<Record<string, unknown>>;
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
    unary: (method, request) => new Promise((resolve, reject) => {
      client[method]!(request, new Metadata(), { deadline: Date.now() + 5000 }, (error: ServiceError | null, response: Record<string, unknown>) => (error === null ? resolve(response) : reject(error)));
    }),
    close: () => client.close(),
  };
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
