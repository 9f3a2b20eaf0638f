import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { WeftError } from '../src/index.ts';
import type { CliIO } from './io.ts';

/** A raw spec read from a file, with where it came from (for messages). */
export interface SourcedSpec {
  readonly spec: Record<string, unknown>;
  readonly source: string;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Reads specs from files, directories (their .yaml/.yml/.json files, sorted) or `-` (stdin).
 * A document may hold one spec or a list; YAML files may hold several documents.
 */
export async function readSpecs(paths: readonly string[], io: CliIO): Promise<SourcedSpec[]> {
  const specs: SourcedSpec[] = [];
  for (const path of paths) {
    if (path === '-') {
      specs.push(...parseSpecs(await readStdin(io), 'stdin'));
      continue;
    }
    for (const file of listFiles(resolve(io.cwd, path))) specs.push(...parseSpecs(readText(file), file));
  }
  return specs;
}

/** Parses YAML or JSON text holding specs. ERR_FILE_PARSE with the position on a syntax error. */
export function parseSpecs(text: string, source: string): SourcedSpec[] {
  const result: SourcedSpec[] = [];
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return result;
  for (const document of documents) {
    if (document.errors.length > 0) {
      const error = document.errors[0]!;
      const where = error.linePos?.[0] ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
      throw new WeftError('ERR_FILE_PARSE', { file: source, reason: `${error.message.split('\n')[0]}${where}` });
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    const entries = Array.isArray(value) ? value : [value];
    entries.forEach((entry, index) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        throw new WeftError('ERR_FILE_PARSE', { file: source, reason: `entry ${index} is not a mapping` });
      }
      result.push({ spec: entry as Record<string, unknown>, source: entries.length > 1 ? `${source}[${index}]` : source });
    });
  }
  return result;
}

function listFiles(path: string): string[] {
  let stats;
  try {
    stats = statSync(path);
  } catch (thrown) {
    throw new WeftError('ERR_FILE_UNREADABLE', { file: path, reason: (thrown as NodeJS.ErrnoException).code ?? String(thrown) });
  }
  if (!stats.isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => EXTENSIONS.has(extname(name)))
    .sort()
    .map((name) => join(path, name));
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (thrown) {
    throw new WeftError('ERR_FILE_UNREADABLE', { file, reason: (thrown as NodeJS.ErrnoException).code ?? String(thrown) });
  }
}

async function readStdin(io: CliIO): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
