import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Where every benchmark writes its JSON results (ignored by git, except .gitkeep). */
export const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

/**
 * Writes one benchmark's results to `bench/results/<name>-<ISO date>.json`, with the date and
 * the machine it ran on, and returns the file's path. Colons of the timestamp become dashes so
 * the name is valid on every file system.
 */
export function writeResult(name: string, data: Record<string, unknown>): string {
  const date = new Date().toISOString();
  const file = `${resultsDir}${name}-${date.replace(/:/g, '-')}.json`;
  const cpu = cpus();
  const record = {
    benchmark: name,
    date,
    environment: { node: process.version, platform: process.platform, arch: process.arch, cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length },
    ...data,
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}
