import { catalogue } from '../../src/index.ts';
import type { CliRun } from '../harness/cli.ts';

/** One `error CODE (where): message` block of a CLI refusal, with its problem lines. */
interface ErrorBlock {
  readonly code: string;
  readonly line: string;
  readonly problems: { readonly path: string; readonly code: string }[];
}

/** Codes whose refusal names a position in the text instead of a field. */
const POSITIONAL = new Set(['ERR_FILE_PARSE']);

/**
 * What is wrong with how a CLI run refused its input, or undefined when every refusal is
 * sound: each `error` line carries a catalogue code other than ERR_INTERNAL and is followed by
 * at least one problem line naming a field (a parse error names its line and column instead).
 * `weft lint` (and validate, its alias) reports findings first, `file:line:column  CODE  path
 * message`, then sums them up in one `error ERR_LINT_FAILED` line: the findings are that
 * block's problems, and each names its position.
 */
export function refusalProblem(run: CliRun): string | undefined {
  const blocks: ErrorBlock[] = [];
  let findings: { path: string; code: string }[] = [];
  for (const line of run.stderr.split('\n')) {
    const finding = /^\S+:\d+:\d+ {2}(ERR_[A-Z_]+) {2}((?:(?! {2}).)+) {2}(?!warning:)/.exec(line);
    if (finding !== null) {
      findings.push({ path: finding[2]!, code: finding[1]! });
      continue;
    }
    const error = /^error (ERR_[A-Z_]+)\b/.exec(line);
    if (error !== null) {
      if (error[1] === 'ERR_LINT_FAILED') {
        blocks.push({ code: error[1], line, problems: findings });
        findings = [];
        continue;
      }
      blocks.push({ code: error[1]!, line, problems: [] });
      continue;
    }
    const problem = /^ {2}- (.*?): .* \[(ERR_[A-Z_]+)\]$/.exec(line);
    if (problem !== null && blocks.length > 0) blocks.at(-1)!.problems.push({ path: problem[1]!, code: problem[2]! });
  }
  if (blocks.length === 0) return `exit ${run.code} without an error line: ${run.stderr.slice(0, 500)}`;
  for (const block of blocks) {
    if (block.code === 'ERR_INTERNAL' || !(block.code in catalogue)) return `uncoded or internal error: ${block.line}`;
    if (POSITIONAL.has(block.code)) {
      if (!/at line \d+, column \d+|entry \d+ is not a mapping/.test(block.line)) return `a parse error without position: ${block.line}`;
      continue;
    }
    if (block.problems.length === 0) return `a refusal naming no field: ${block.line}`;
    const internal = block.problems.find((problem) => problem.code === 'ERR_INTERNAL' || !(problem.code in catalogue));
    if (internal !== undefined) return `a problem with code ${internal.code}: ${block.line}`;
  }
  return undefined;
}
