import { Command, Option } from 'commander';
import type { CliIO } from '../io.ts';

/** Flags of `weft test`. */
export interface TestFlags {
  readonly reporter: 'tap' | 'junit';
  readonly output?: string;
  readonly logLevel?: string;
  readonly sandbox?: string;
  readonly timeout?: string;
}

/**
 * `weft test [PATH…]`: runs the declarative test cases of `*.test.yaml` files (docs/testing.md)
 * in memory: no store is opened, no port bound. Prints TAP (or JUnit XML) on standard output or
 * to --output; exits 0 when every case passes, 1 when one fails, 2 for a bad test file or spec
 * file (ERR_TEST_FILE with file:line), before any case runs.
 */
export function testCommand(io: CliIO): Command {
  return new Command('test')
    .description('run the test cases of *.test.yaml files in memory (no store, no ports): TAP or JUnit XML')
    .argument('[paths...]', 'test files, or directories searched for *.test.yaml (default: the current one)')
    .addOption(new Option('--reporter <format>', 'output format').choices(['tap', 'junit']).default('tap'))
    .option('--output <file>', 'write the report to this file instead of standard output')
    .option('--timeout <ms>', 'how long one case may run (default 10000)')
    .option('--log-level <level>', 'log level of the runtime, on standard error (default error)')
    .option('--sandbox <where>', 'where javascript/typescript snippets run: process (default) | in-process')
    .action(async (paths: string[], flags: TestFlags) => (await import('../actions/test.ts')).runTest(io, paths, flags));
}
