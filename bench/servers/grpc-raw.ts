// The same two methods on a plain grpc-js server (no engine), for bench:grpc.
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { LOADER_OPTIONS } from '../../codecs/network/grpc/proto-file.ts';

const port = Number(process.argv[2]);
const proto = fileURLToPath(new URL('./grpc-bench.proto', import.meta.url));
const loaded = loadPackageDefinition(loadSync(proto, LOADER_OPTIONS)) as unknown as { bench: { Bench: { service: ServiceDefinition } } };
const server = new Server();
server.addService(loaded.bench.Bench.service, {
  Add: (call: { request: { a: number; b: number } }, callback: (error: null, reply: object) => void) => callback(null, { result: call.request.a + call.request.b }),
  Echo: (call: NodeJS.EventEmitter & { write(message: unknown): boolean; end(): void }) => {
    call.on('data', (message: unknown) => call.write(message));
    call.on('end', () => call.end());
  },
});
server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error) => {
  if (error !== null) throw error;
  console.log('ready');
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
