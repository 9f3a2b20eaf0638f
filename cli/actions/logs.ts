import { existsSync, readdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { WeftError } from '../../src/index.ts';
import type { CliIO } from '../io.ts';
import { shutdownSignal } from '../shutdown-signal.ts';
import { configIO } from '../supervisor/config-io.ts';
import { logFileName, parseLogFileName, runDirOf } from '../supervisor/run-dir.ts';
import type { LogsFlags } from '../commands/logs.ts';

/** How often `-f` looks for new lines. */
const FOLLOW_POLL_MS = 200;

/** One log file being read: where it is, what prefixes its lines, how far it was read. */
interface Source {
  readonly path: string;
  readonly prefix: string;
  offset: number;
  partial: string;
  /** Keeps a character split over two reads whole. */
  readonly decoder: StringDecoder;
}

/** Prints what was appended to a source since it was last read (only its last `tail` lines, the first time, when given). */
async function readNew(io: CliIO, source: Source, tail: number | undefined): Promise<void> {
  let handle;
  try {
    handle = await open(source.path, 'r');
  } catch {
    return;
  }
  try {
    const { size } = await handle.stat();
    // A file that shrank was truncated or replaced: read it again from the start.
    if (size < source.offset) {
      source.offset = 0;
      source.partial = '';
    }
    if (size === source.offset) return;
    const buffer = Buffer.alloc(size - source.offset);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, source.offset);
    source.offset += bytesRead;
    const text = source.partial + source.decoder.write(buffer.subarray(0, bytesRead));
    const lines = text.split('\n');
    source.partial = lines.pop() ?? '';
    const shown = tail === undefined ? lines : tail === 0 ? [] : lines.slice(-tail);
    if (shown.length > 0) io.stdout.write(shown.map((line) => `${source.prefix} | ${line}\n`).join(''));
  } finally {
    await handle.close();
  }
}

/** Runs `weft logs` (its definition: cli/commands/logs.ts). */
export async function runLogs(io: CliIO, namespace: string | undefined, flags: LogsFlags): Promise<void> {
    const cio = configIO(io, flags.config);
    const { logs } = runDirOf(cio.cwd, flags.runDir, cio.env);
    const tail = flags.tail === undefined ? undefined : Number(flags.tail);
    if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new WeftError('ERR_CONFIG_INVALID', { reason: `--tail: must be a whole number of lines (got ${flags.tail ?? ''})` });
    const wanted = namespace === undefined ? undefined : logFileName(namespace, 0).replace(/\.0\.log$/, '');
    const sources = new Map<string, Source>();
    const discover = (): Source[] => {
      if (!existsSync(logs)) return [];
      const files = readdirSync(logs).map((name) => ({ name, parsed: parseLogFileName(name) })).filter((file) => file.parsed !== undefined && (wanted === undefined || file.parsed.namespace === wanted));
      const replicas = new Map<string, number>();
      for (const file of files) replicas.set(file.parsed!.namespace, (replicas.get(file.parsed!.namespace) ?? 0) + 1);
      const found: Source[] = [];
      for (const file of files.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))) {
        if (sources.has(file.name)) continue;
        const { namespace: name, replica } = file.parsed!;
        const source: Source = { path: join(logs, file.name), prefix: replicas.get(name)! > 1 ? `${name}.${replica}` : name, offset: 0, partial: '', decoder: new StringDecoder('utf8') };
        sources.set(file.name, source);
        found.push(source);
      }
      return found;
    };
    const first = discover();
    if (first.length === 0 && !flags.follow) {
      io.stderr.write(`no engine logs in ${logs}${namespace === undefined ? '' : ` for namespace ${namespace}`} (weft up writes them there)\n`);
      return;
    }
    for (const source of first) await readNew(io, source, tail);
    if (!flags.follow) return;
    const shutdown = shutdownSignal();
    try {
      while (!shutdown.signal.aborted) {
        await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
        discover();
        for (const source of sources.values()) await readNew(io, source, undefined);
      }
    } finally {
      shutdown.dispose();
    }
}
