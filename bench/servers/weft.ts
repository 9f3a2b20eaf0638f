// The ping workflow (examples/ping.yaml) on a weft Runtime over a memory store, for bench:http.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Spec } from '../../src/index.ts';
import { serveSpecs } from '../lib/serve-specs.ts';

const port = Number(process.argv[2]);
const specs = (parse(readFileSync(new URL('../../examples/ping.yaml', import.meta.url), 'utf8')) as Spec[]).map((spec) =>
  spec.kind === 'listener' ? { ...spec, port, host: '127.0.0.1' } : spec,
);
await serveSpecs(specs);
