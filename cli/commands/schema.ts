import { Command } from 'commander';
import type { CliIO } from '../io.ts';

/** `weft schema [-o FILE]`: the JSON Schema (draft 2020-12) of spec files, for editors (docs/editor.md). */
export function schemaCommand(io: CliIO): Command {
  return new Command('schema')
    .description('print the JSON Schema (draft 2020-12) of spec files, for editor completion and checks')
    .option('-o, --output <file>', 'write it to this file instead of stdout')
    .action(async (flags: { output?: string }) => (await import('../actions/schema.ts')).runSchema(io, flags));
}
