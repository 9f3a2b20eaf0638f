// The ping workflow (examples/ping.yaml) on a weft Runtime over a memory store, for bench:http.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { createDefaultLanguages, Runtime, Scheme, type Spec } from '../../src/index.ts';
import { openStore } from '../../src/store/index.ts';
import { coreKinds } from '../../schemes/core.ts';

const port = Number(process.argv[2]);
const specs = (parse(readFileSync(new URL('../../examples/ping.yaml', import.meta.url), 'utf8')) as Spec[]).map((spec) =>
  spec.kind === 'listener' ? { ...spec, port, host: '127.0.0.1' } : spec,
);
const store = await openStore('memory://');
await store.insert(specs);
const runtime = new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages() });
await runtime.start();
console.log('ready');
process.on('SIGTERM', () => void runtime.close().then(() => process.exit(0)));
