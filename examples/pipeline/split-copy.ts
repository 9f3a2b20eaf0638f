import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Copies examples/pipeline/split/ (the five stage files and weft.config.yaml) into `target`,
 * with NATS subjects `PREFIX.parse`… instead of `pipeline.parse`… (a run of its own, so no
 * message of another run is read) and the NATS URL `natsUrl`. The engines of `weft up -c
 * TARGET/weft.config.yaml` then read TARGET/events.ndjson and write their files there.
 */
export function copySplit(target: string, options: { prefix: string; natsUrl?: string }): void {
  const source = new URL('split/', import.meta.url);
  for (const file of readdirSync(source).filter((name) => name.endsWith('.yaml'))) {
    const text = readFileSync(new URL(file, source), 'utf8')
      .replace(/pipeline\.(parse|rules|aggregate|sink)\b/g, `${options.prefix}.$1`)
      .replaceAll('nats://127.0.0.1:4222', options.natsUrl ?? 'nats://127.0.0.1:4222');
    writeFileSync(join(target, file), text);
  }
}
