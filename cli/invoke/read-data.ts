import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WeftError } from '../../src/index.ts';
import type { CliIO } from '../io.ts';

/**
 * The payload of `weft invoke --data`: JSON text, `@FILE` (JSON in a file, from the CLI's
 * directory) or `@-` (JSON on standard input); no flag at all is `null`. ERR_INVOKE_DATA when
 * it cannot be read or is not JSON.
 */
export async function readData(data: string | undefined, io: CliIO): Promise<unknown> {
  if (data === undefined) return null;
  let text = data;
  if (data.startsWith('@')) {
    const path = data.slice(1);
    try {
      text = path === '-' ? await readStream(io.stdin) : await readFile(resolve(io.cwd, path), 'utf8');
    } catch (thrown) {
      throw new WeftError('ERR_INVOKE_DATA', { reason: `cannot read ${path}: ${(thrown as Error).message}` }, { cause: thrown });
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (thrown) {
    throw new WeftError('ERR_INVOKE_DATA', { reason: `not JSON: ${(thrown as Error).message}` }, { cause: thrown });
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}
