import type { Writable } from 'node:stream';
import type { Config } from './config.ts';
import type { CliIO } from './io.ts';

/** Whether `logFormat` means human-readable lines here: `pretty`, or `auto` on a terminal. */
export function prettyLogs(io: CliIO, format: Config['logFormat']): boolean {
  if (format === 'auto') return (io.stdout as Writable & { isTTY?: boolean }).isTTY === true;
  return format === 'pretty';
}

/**
 * Where the engine's pino logger writes: standard output as JSON lines (one per event, for log
 * shippers), or through pino-pretty as one readable line per event (time, level, message, then
 * the fields) when `prettyLogs` says so. pino-pretty is loaded only then.
 */
export async function logDestination(io: CliIO, format: Config['logFormat']): Promise<Writable> {
  if (!prettyLogs(io, format)) return io.stdout;
  const { default: pretty } = await import('pino-pretty');
  const colour = (io.stdout as Writable & { isTTY?: boolean }).isTTY === true && io.env.NO_COLOR === undefined;
  return pretty({ destination: io.stdout, colorize: colour, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true });
}
