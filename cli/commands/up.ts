import { Command } from 'commander';
import type { CliIO } from '../io.ts';

/** Flags of `weft up`. */
export interface UpFlags {
  readonly config?: string;
  readonly runDir?: string;
  readonly restart?: string;
  readonly graceMs?: string;
  readonly quiet?: boolean;
  readonly standby?: boolean;
}

/**
 * `weft up`: runs one `weft start` child per replica of each namespace under `namespaces:` of
 * weft.config.yaml, restarts crashed ones (backoff; crash-looping after five crashes at start),
 * and stops them all on SIGINT/SIGTERM (each drains; SIGKILL after the grace period). Child
 * output goes to the run directory's log files and, prefixed with the namespace, to stdout.
 * `--restart NS` asks the running `weft up` to restart that namespace's engines instead.
 */
export function upCommand(io: CliIO): Command {
  return new Command('up')
    .description('run and supervise one engine per namespace of weft.config.yaml (namespaces:)')
    .option('-c, --config <file>', 'the config file (default: WEFT_CONFIG, else ./weft.config.yaml); its folder is the engines\' working directory')
    .option('--run-dir <path>', 'where the control socket and logs live (default: WEFT_RUN_DIR, else .weft/run beside the config file)')
    .option('--restart <namespace>', 'ask the running weft up to restart the namespace\'s engines (also after a crash loop)')
    .option('--grace-ms <ms>', 'how long stopping waits for the engines to drain before SIGKILL (default: drainTimeoutMs + 5000)')
    .option('-q, --quiet', 'do not copy the engines\' output to stdout (the log files still get it)')
    .option('--no-standby', 'keep no warm standby process per engine (saves its memory; restarts then load weft\'s code first)')
    .action(async (flags: UpFlags) => (await import('../actions/up.ts')).runUp(io, flags));
}
