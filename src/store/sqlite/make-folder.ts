import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { WeftError } from '../../errors/index.ts';

/**
 * Creates the folder `path` and its missing parents, one `mkdir` each, failing on the first
 * that cannot be made (ERR_STORE_UNAVAILABLE naming it). Not `mkdirSync(…, {recursive: true})`:
 * Node's recursive mkdir spins forever at full CPU when a parent exists but refuses children
 * with ENOENT, as under /proc or behind a dangling symlink.
 */
export function makeFolder(path: string): void {
  const missing: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    const found = kindOf(current);
    if (found === 'folder') break;
    if (found === 'other') throw cannotCreate(path, `${current} exists and is not a folder`);
    if (dirname(current) === current) break;
    missing.push(current);
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (thrown) {
      const code = (thrown as NodeJS.ErrnoException).code;
      // A dangling symlink "exists" for mkdir (EEXIST), and its children then fail with ENOENT.
      if (code === 'EEXIST' && kindOf(folder) === 'folder') continue;
      throw cannotCreate(path, `mkdir ${folder}: ${code ?? String(thrown)}`, thrown);
    }
  }
}

function kindOf(path: string): 'folder' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'other';
  } catch {
    return 'missing';
  }
}

function cannotCreate(path: string, reason: string, cause?: unknown): WeftError {
  return new WeftError('ERR_STORE_UNAVAILABLE', { reason: `cannot create the folder ${path} for the database (${reason})` }, { cause });
}
