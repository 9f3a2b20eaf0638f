// The ping workflow as bench/servers/weft.ts, with the ops plane on (metrics counting on every
// hop, /metrics, the event bus) at the port given second, for bench:http's weft-ops variant.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Spec } from '../../src/index.ts';
import { serveSpecs } from '../lib/serve-specs.ts';

const port = Number(process.argv[2]);
const opsPort = Number(process.argv[3]);
const specs = (parse(readFileSync(new URL('../../examples/ping.yaml', import.meta.url), 'utf8')) as Spec[]).map((spec) =>
  spec.kind === 'listener' ? { ...spec, port, host: '127.0.0.1' } : spec,
);
await serveSpecs(specs, { opsPort });
