import { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { collect, storeOptions, type AdminFlags, type StoreFlags } from '../options.ts';

/** Flags of `weft start`. */
export interface StartFlags extends StoreFlags, AdminFlags {
  readonly filename?: string[];
  readonly logLevel?: string;
  readonly logFormat?: string;
  readonly sandbox?: string;
  readonly otel?: string;
}

/**
 * `weft start`: upsert the given files into the namespace, then run it until SIGINT/SIGTERM.
 * `-n system` without `-f` first loads the shipped admin workflow when the namespace is empty.
 * A store that cannot be reached (or refuses access, or is not fit yet) is waited for, with
 * backoff and one log line per attempt; a signal while waiting exits cleanly. Once running, the
 * engine registers itself in the store's engine registry (`weft ps`) until it shuts down.
 */
export function startCommand(io: CliIO): Command {
  const command = new Command('start')
    .description('run a namespace (after upserting the specs in -f files)')
    .option('-f, --filename <path>', 'file, directory or - to upsert first (repeatable)', collect)
    .option('--log-level <level>', 'trace | debug | info | warn | error | silent')
    .option('--log-format <format>', 'auto (pretty on a terminal, else json) | json | pretty')
    .option('--sandbox <where>', 'where javascript/typescript snippets run: process (default) | in-process (trusted code)')
    .option('--otel <url>', 'send OpenTelemetry traces to this OTLP/HTTP endpoint (e.g. http://127.0.0.1:4318)')
    .option('--admin-bind-public', 'let the system namespace (admin API) bind beyond loopback')
    .option('--admin-host <name>', 'a host name the admin API answers besides localhost (repeatable)', collect)
    .option('--insecure', 'no authentication on the admin API and the ops plane (local development only)')
    .option('--ops <host:port>', 'serve the ops plane (metrics, health, events) on HOST:PORT, e.g. 127.0.0.1:9464')
    .option('--ops-bind-public', 'let the ops plane bind beyond loopback');
  return storeOptions(command).action(async (flags: StartFlags) => (await import('../actions/start.ts')).runStart(io, flags));
}
