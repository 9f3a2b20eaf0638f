import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { specJsonSchema, WeftError } from '../../src/index.ts';
import { createScheme } from '../context.ts';
import type { CliIO } from '../io.ts';

/** `weft schema [-o FILE]`: the JSON Schema (draft 2020-12) of spec files, for editors (docs/editor.md). */
export function schemaCommand(io: CliIO): Command {
  return new Command('schema')
    .description('print the JSON Schema (draft 2020-12) of spec files, for editor completion and checks')
    .option('-o, --output <file>', 'write it to this file instead of stdout')
    .action((flags: { output?: string }) => {
      const text = `${JSON.stringify(specJsonSchema(createScheme()), null, 2)}\n`;
      if (flags.output === undefined) {
        io.stdout.write(text);
        return;
      }
      const file = resolve(io.cwd, flags.output);
      try {
        writeFileSync(file, text);
      } catch (thrown) {
        throw new WeftError('ERR_FILE_UNREADABLE', { file, reason: (thrown as NodeJS.ErrnoException).code ?? String(thrown) });
      }
      io.stderr.write(`wrote ${file}\n`);
    });
}
