import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { pino } from 'pino';
import { createDefaultLanguages, createSnippetSandbox, normalizeSpec, WeftError, type Logger, type Spec } from '../../src/index.ts';
import { configFor } from '../config-for.ts';
import { ExitStatus } from '../exit-status.ts';
import type { CliIO } from '../io.ts';
import { readSpecs } from '../read-specs.ts';
import { findTestFiles } from '../test/find-test-files.ts';
import { readTestFile } from '../test/read-test-file.ts';
import { junitReport, tapReport, type ReportedCase } from '../test/reporters.ts';
import { runCase } from '../test/run-case.ts';
import { WarmSandbox } from '../test/warm-sandbox.ts';
import type { TestFile } from '../test/test-file.ts';
import type { TestFlags } from '../commands/test.ts';

/** Runs `weft test` (its definition: cli/commands/test.ts). */
export async function runTest(io: CliIO, paths: string[], flags: TestFlags): Promise<void> {
  const config = configFor(io, { logLevel: flags.logLevel ?? 'error', sandbox: flags.sandbox });
  const timeoutMs = flags.timeout === undefined ? 10_000 : Number(flags.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new ExitStatus(2, new WeftError('ERR_TEST_FILE', { where: '--timeout', reason: 'must be a whole number of milliseconds' }));
  let files: { test: TestFile; specs: Spec[] }[];
  try {
    files = await Promise.all(findTestFiles(paths, io.cwd).map(async (file) => {
      const test = readTestFile(file, relative(io.cwd, file));
      const specs = (await readSpecs(test.specs, io)).map((sourced) => normalizeSpec(sourced.spec, test.namespace));
      return { test, specs };
    }));
  } catch (thrown) {
    throw new ExitStatus(2, thrown);
  }
  const logger = pino({ level: config.logLevel }, io.stderr) as unknown as Logger;
  // One sandbox for every case, closed at the end (a process sandbox's workers would keep the CLI alive).
  const sandbox = new WarmSandbox(createSnippetSandbox({ isolation: config.sandbox }));
  const services = { languages: createDefaultLanguages({ javascript: { isolation: config.sandbox, sandbox } }), logger, timeoutMs };
  const results: ReportedCase[] = [];
  try {
    for (const { test, specs } of files) {
      for (const testCase of test.cases) {
        const result = await runCase(specs, testCase, test, services);
        results.push({ file: relative(io.cwd, test.file), name: testCase.name, where: testCase.where, ...result });
      }
    }
  } finally {
    await sandbox.close();
  }
  const report = flags.reporter === 'junit' ? junitReport(results) : tapReport(results);
  if (flags.output === undefined) io.stdout.write(report);
  else writeFileSync(resolve(io.cwd, flags.output), report);
  const failed = results.filter((result) => result.failures.length > 0).length;
  if (flags.output !== undefined) io.stdout.write(`${results.length - failed} passed, ${failed} failed (report in ${flags.output})\n`);
  if (failed > 0) throw new ExitStatus(1);
}
