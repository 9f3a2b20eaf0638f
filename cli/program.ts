import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ApplyRefused } from './apply-specs.ts';
import { applyCommand } from './commands/apply.ts';
import { deleteCommand } from './commands/delete.ts';
import { getCommand } from './commands/get.ts';
import { startCommand } from './commands/start.ts';
import { validateCommand } from './commands/validate.ts';
import type { CliIO } from './io.ts';
import { reportError } from './report-error.ts';

const commands = [startCommand, applyCommand, getCommand, deleteCommand, validateCommand] as const;

/** Builds the `weft` command with every subcommand, writing to the given IO. */
export function createProgram(io: CliIO): Command {
  const program = new Command('weft')
    .description('weft: declarative workflows, stored in a database, hot-reloaded')
    .version(readVersion())
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  for (const command of commands) program.addCommand(command(io).exitOverride());
  return program;
}

/** Runs the CLI with user arguments (no `node weft` prefix) and returns the exit code. */
export async function runCli(args: readonly string[], io: CliIO): Promise<number> {
  try {
    await createProgram(io).parseAsync([...args], { from: 'user' });
    return 0;
  } catch (thrown) {
    if (thrown instanceof CommanderError) return thrown.exitCode === 0 ? 0 : 2;
    if (thrown instanceof ApplyRefused) {
      for (const failure of thrown.failures) reportError(io, failure.error, failure.source);
      io.stderr.write(`nothing was written: ${thrown.failures.length} spec(s) refused\n`);
      return 1;
    }
    reportError(io, thrown);
    return 1;
  }
}

function readVersion(): string {
  for (const path of ['../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // Built files live one folder deeper (dist/cli); try the next candidate.
    }
  }
  return '0.0.0';
}
