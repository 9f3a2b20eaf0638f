import { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { outputOption } from '../options.ts';
import type { OutputFormat } from '../print.ts';

/** `weft kinds`: every kind with its one-line summary. */
export function kindsCommand(io: CliIO): Command {
  return outputOption(new Command('kinds').description('list the node kinds with a one-line summary'))
    .action(async (flags: { output?: OutputFormat }) => (await import('../actions/kinds.ts')).runKinds(io, flags));
}

/** `weft explain KIND[.field…]`: a kind's fields and ports, or one field's type and description. */
export function explainCommand(io: CliIO): Command {
  return outputOption(new Command('explain').description('show the fields and ports of a kind, or one field (KIND.field.sub)').argument('<target>', 'KIND or KIND.field'))
    .action(async (target: string, flags: { output?: OutputFormat }) => (await import('../actions/kinds.ts')).runExplain(io, target, flags));
}
