// The calculator's Add and a bidirectional echo as a weft workflow, for bench:grpc:
// listener (protocol grpc) → cel snippet per method.
import { fileURLToPath } from 'node:url';
import type { Spec } from '../../src/index.ts';
import { serveSpecs } from '../lib/serve-specs.ts';

const port = Number(process.argv[2]);
const proto = fileURLToPath(new URL('./grpc-bench.proto', import.meta.url));
const specs: Spec[] = [
  {
    kind: 'listener', name: 'grpc', protocol: 'grpc', host: '127.0.0.1', port, proto,
    links: { 'Bench-Add': [{ name: 'add', port: 'in' }], 'Bench-Echo': [{ name: 'echo', port: 'in' }] },
  },
  { kind: 'snippet', name: 'add', language: 'cel', code: '{"result": self.a + self.b}' },
  { kind: 'snippet', name: 'echo', language: 'cel', code: 'self' },
];
await serveSpecs(specs);
