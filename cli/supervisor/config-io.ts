import { dirname, resolve } from 'node:path';
import type { CliIO } from '../io.ts';

/**
 * The IO of `weft up`/`ps`/`logs -c FILE`: that config file (as WEFT_CONFIG), its directory as
 * the working directory, so relative store paths and the run directory resolve beside it
 * whoever runs the command from where. Without `-c`: the IO as it is.
 */
export function configIO(io: CliIO, config: string | undefined): CliIO {
  if (config === undefined) return io;
  const path = resolve(io.cwd, config);
  return { ...io, cwd: dirname(path), env: { ...io.env, WEFT_CONFIG: path } };
}
