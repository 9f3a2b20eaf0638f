import { Command, CommanderError } from 'commander';
import { ApplyRefused } from './apply-refused.ts';
import { applyCommand } from './commands/apply.ts';
import { deleteCommand } from './commands/delete.ts';
import { configCommand } from './commands/config.ts';
import { explainCommand, kindsCommand } from './commands/kinds.ts';
import { tokenCommand } from './commands/token.ts';
import { valuesCommand } from './commands/values.ts';
import { diffCommand } from './commands/diff.ts';
import { describeCommand } from './commands/describe.ts';
import { getCommand } from './commands/get.ts';
import { graphCommand } from './commands/graph.ts';
import { injectCommand } from './commands/inject.ts';
import { invokeCommand } from './commands/invoke.ts';
import { pauseCommand, resumeCommand } from './commands/pause-resume.ts';
import { startCommand } from './commands/start.ts';
import { upCommand } from './commands/up.ts';
import { psCommand } from './commands/ps.ts';
import { logsCommand } from './commands/logs.ts';
import { statusCommand } from './commands/status.ts';
import { lintCommand } from './commands/lint.ts';
import { schemaCommand } from './commands/schema.ts';
import { testCommand } from './commands/test.ts';
import { ExitStatus } from './exit-status.ts';
import type { CliIO } from './io.ts';
import { reportError } from './report-error.ts';
import { readVersion } from './version.ts';

const commands = [startCommand, upCommand, psCommand, logsCommand, applyCommand, diffCommand, getCommand, describeCommand, graphCommand, deleteCommand, lintCommand, invokeCommand, valuesCommand, tokenCommand, kindsCommand, explainCommand, schemaCommand, configCommand, testCommand] as const;

/** The commands that talk to a running engine's ops plane. */
const opsCommands = [pauseCommand, resumeCommand, statusCommand, injectCommand] as const;

/** Builds the `weft` command with every subcommand, writing to the given IO. */
export function createProgram(io: CliIO): Command {
  const output = { writeOut: (text: string) => io.stdout.write(text), writeErr: (text: string) => io.stderr.write(text) };
  const program = new Command('weft')
    .description('weft: declarative workflows, stored in a database, hot-reloaded')
    .version(readVersion())
    .exitOverride()
    .configureOutput(output);
  // addCommand does not pass the output settings on: each subcommand writes its usage errors to `io` too.
  for (const command of [...commands, ...opsCommands]) program.addCommand(command(io).exitOverride().configureOutput(output));
  return program;
}

/**
 * Runs the CLI with user arguments (no `node weft` prefix) and returns the exit code: 0 on
 * success, 1 when a command fails, 2 for a usage error; a command may choose its own (ExitStatus).
 */
export async function runCli(args: readonly string[], io: CliIO): Promise<number> {
  try {
    const program = createProgram(io);
    // Commander answers `weft nosuch --help` with the root help and exit 0; an unknown command is a usage error.
    const first = args.find((arg) => !arg.startsWith('-'));
    if (first !== undefined && first !== 'help' && !program.commands.some((command) => command.name() === first || command.aliases().includes(first))) {
      io.stderr.write(`error: unknown command '${first}' (weft --help lists the commands)\n`);
      return 2;
    }
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (thrown) {
    if (thrown instanceof CommanderError) return thrown.exitCode === 0 ? 0 : 2;
    if (thrown instanceof ExitStatus) {
      if (thrown.reason !== undefined && !(thrown.reason instanceof CommanderError)) report(io, thrown.reason);
      return thrown.code;
    }
    report(io, thrown);
    return 1;
  }
}

/** Prints a failure: every refused spec of an ApplyRefused, else the one error. */
function report(io: CliIO, thrown: unknown): void {
  if (thrown instanceof ApplyRefused) {
    for (const failure of thrown.failures) reportError(io, failure.error, failure.source);
    io.stderr.write(`nothing was written: ${thrown.failures.length} spec(s) refused\n`);
    return;
  }
  reportError(io, thrown);
}
