import { readFileSync } from 'node:fs';

/** The version of weft, from its package.json (next to the sources, or one folder up from the built files). */
export function readVersion(): string {
  for (const path of ['../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // Built files live one folder deeper (dist/cli); try the next candidate.
    }
  }
  return '0.0.0';
}
