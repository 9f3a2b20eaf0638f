// The WebSocket echo workflow on a weft Runtime over a memory store, for bench:ws:
// listener → router (GET /ws) → upgrader.io; upgrader.out → if (a data frame) → cel echo → upgrader.in.
import type { Spec } from '../../src/index.ts';
import { serveSpecs } from '../lib/serve-specs.ts';

const port = Number(process.argv[2]);
const specs: Spec[] = [
  { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port, links: { out: [{ name: 'router', port: 'in' }] } },
  { kind: 'router', name: 'router', routes: [{ method: 'GET', path: '/ws', port: 'out[0]' }], links: { 'out[0]': [{ name: 'ws', port: 'io' }] } },
  { kind: 'upgrader', name: 'ws', links: { out: [{ name: 'frames', port: 'in' }] } },
  { kind: 'if', name: 'frames', when: 'self.type == 1 || self.type == 2', links: { 'out[0]': [{ name: 'echo', port: 'in' }] } },
  { kind: 'snippet', name: 'echo', language: 'cel', code: 'self.data', links: { out: [{ name: 'ws', port: 'in' }] } },
];
await serveSpecs(specs);
