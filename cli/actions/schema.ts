import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { specJsonSchema, WeftError } from '../../src/index.ts';
import { createScheme } from '../context.ts';
import type { CliIO } from '../io.ts';

/** Runs `weft schema` (its definition: cli/commands/schema.ts). */
export function runSchema(io: CliIO, flags: { output?: string }): void {
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
}
