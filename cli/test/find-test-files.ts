import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WeftError } from '../../src/index.ts';

/** The name of a test file: `*.test.yaml` or `*.test.yml`. */
export const TEST_FILE = /\.test\.ya?ml$/;

/**
 * The test files under the given paths (default the working directory), sorted: a file is
 * taken as it is, a directory is searched recursively (skipping node_modules and dot folders).
 * ERR_TEST_FILE for a path that does not exist or holds no test file.
 */
export function findTestFiles(paths: readonly string[], cwd: string): string[] {
  const found: string[] = [];
  for (const path of paths.length === 0 ? ['.'] : paths) {
    const absolute = resolve(cwd, path);
    let directory: boolean;
    try {
      directory = statSync(absolute).isDirectory();
    } catch (thrown) {
      throw new WeftError('ERR_TEST_FILE', { where: path, reason: `cannot read it (${(thrown as NodeJS.ErrnoException).code ?? String(thrown)})` });
    }
    const before = found.length;
    if (directory) walk(absolute, found);
    else found.push(absolute);
    if (found.length === before) throw new WeftError('ERR_TEST_FILE', { where: path, reason: 'it holds no *.test.yaml file' });
  }
  return [...new Set(found)];
}

function walk(directory: string, found: string[]): void {
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) walk(path, found);
    else if (TEST_FILE.test(entry.name)) found.push(path);
  }
}
