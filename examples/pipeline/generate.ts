/**
 * Writes COUNT generated events (default 100000) as NDJSON to standard output (see events.ts):
 *   node generate.ts 100000 > events.ndjson
 * The same SEED (second argument, default 1) gives the same file.
 */
import { writeEvents } from './events.ts';

writeEvents(Number(process.argv[2] ?? 100_000), (text) => process.stdout.write(text), Number(process.argv[3] ?? 1));
