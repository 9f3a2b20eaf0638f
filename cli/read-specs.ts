import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parseYamlDocuments, WeftError, YAML_LIMITS, YamlSourceMap, type SourcePosition } from '../src/index.ts';
import type { CliIO } from './io.ts';
import { TEST_FILE } from './test/find-test-files.ts';

/** weft.config.yaml (docs/operations.md, `weft up`), skipped when a directory of specs is read. */
const CONFIG_FILE = /^weft\.config\.ya?ml$/;

/** A raw spec read from a file, with where it came from (for messages). */
export interface SourcedSpec {
  readonly spec: Record<string, unknown>;
  readonly source: string;
  /** The file it was read from (`stdin` for -). */
  readonly file: string;
  /** The line and column of a field path of the spec (`links.out[0].port`) in its file; a missing field: the nearest field around it. */
  readonly locate: (path: string) => SourcePosition;
}

/** What readSpecs does with a file it cannot read or parse: throw (the default), or hand it to `onFileError` and go on with the next. */
export interface ReadOptions {
  readonly onFileError?: (file: string, error: WeftError) => void;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Bytes read from a file per call. */
const CHUNK = 1 << 20;

/** What one command may still read: all of its files and stdin together hold at most YAML_LIMITS.maxBytes. */
interface Budget {
  left: number;
}

/**
 * Reads specs from files, directories (their .yaml/.yml/.json files, sorted) or `-` (stdin).
 * A document may hold one spec or a list; YAML files may hold several documents. Everything a
 * command reads together holds at most YAML_LIMITS.maxBytes (8 MiB): past it reading stops
 * and the input is refused (ERR_FILE_TOO_LARGE), so memory stays bounded whatever the input
 * (a huge file, /dev/zero, an endless stdin).
 */
export async function readSpecs(paths: readonly string[], io: CliIO, options: ReadOptions = {}): Promise<SourcedSpec[]> {
  const specs: SourcedSpec[] = [];
  const budget: Budget = { left: YAML_LIMITS.maxBytes };
  const each = (file: string, read: () => SourcedSpec[]): void => {
    try {
      specs.push(...read());
    } catch (thrown) {
      // The budget covers every file: past it, nothing more is read whoever asks.
      if (options.onFileError === undefined || !(thrown instanceof WeftError) || thrown.code === 'ERR_FILE_TOO_LARGE') throw thrown;
      options.onFileError(file, thrown);
    }
  };
  for (const path of paths) {
    if (path === '-') {
      const text = await readStdin(io, budget);
      each('stdin', () => parseSpecs(text, 'stdin'));
      continue;
    }
    let files: string[];
    try {
      files = listFiles(resolve(io.cwd, path));
    } catch (thrown) {
      if (options.onFileError === undefined || !(thrown instanceof WeftError)) throw thrown;
      options.onFileError(resolve(io.cwd, path), thrown);
      continue;
    }
    for (const file of files) each(file, () => parseSpecs(readText(file, budget), file));
  }
  return specs;
}

/**
 * Parses YAML or JSON text holding specs, within the YAML_LIMITS (aliases, nesting, duplicate
 * keys). ERR_FILE_PARSE with the line and column on a syntax error or a broken limit.
 */
export function parseSpecs(text: string, source: string): SourcedSpec[] {
  const parsed = parseYamlDocuments(text);
  if (!parsed.ok) throw new WeftError('ERR_FILE_PARSE', { file: source, reason: parsed.reason });
  const result: SourcedSpec[] = [];
  const map = new YamlSourceMap(text);
  parsed.documents.forEach((value, document) => {
    if (value === null || value === undefined) return;
    const list = Array.isArray(value);
    const entries: unknown[] = list ? value : [value];
    entries.forEach((entry, index) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        const { line, column } = map.locate(document, list ? index : undefined, '');
        throw new WeftError('ERR_FILE_PARSE', { file: source, reason: `entry ${index} is not a mapping at line ${line}, column ${column}` });
      }
      const locate = (path: string) => map.locate(document, list ? index : undefined, path);
      result.push({ spec: entry as Record<string, unknown>, source: entries.length > 1 ? `${source}[${index}]` : source, file: source, locate });
    });
  });
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
    // Test files (`weft test`, docs/testing.md) and the engine's config file sit next to the specs and are not specs.
    .filter((name) => EXTENSIONS.has(extname(name)) && !TEST_FILE.test(name) && !CONFIG_FILE.test(name))
    .sort()
    .map((name) => join(path, name));
}

/** Reads a file chunk by chunk, refusing it as soon as it passes the budget (a size from stat would miss devices and growing files). */
function readText(file: string, budget: Budget): string {
  const chunks: Buffer[] = [];
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, budget.left + 1));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      take(budget, read, file);
      chunks.push(chunk.subarray(0, read));
    }
  } catch (thrown) {
    if (thrown instanceof WeftError) throw thrown;
    throw new WeftError('ERR_FILE_UNREADABLE', { file, reason: (thrown as NodeJS.ErrnoException).code ?? String(thrown) });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readStdin(io: CliIO, budget: Budget): Promise<string> {
  const chunks: Buffer[] = [];
  // Leaving the loop early (take throws) destroys the stream: nothing more is read.
  for await (const chunk of io.stdin) {
    const buffer = Buffer.from(chunk as Buffer);
    take(budget, buffer.length, 'stdin');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function take(budget: Budget, bytes: number, source: string): void {
  budget.left -= bytes;
  if (budget.left >= 0) return;
  throw new WeftError('ERR_FILE_TOO_LARGE', {
    file: source,
    reason: `the specs read by one command may hold at most ${YAML_LIMITS.maxBytes} bytes (8 MiB), and this input goes past that`,
  });
}
