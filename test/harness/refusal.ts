import type { CliRun } from './cli.ts';

/** What a failed CLI run reported: the code of each `error CODE …` line and the path and code of each problem line. */
export interface CliRefusal {
  readonly exitCode: number;
  readonly codes: string[];
  readonly paths: string[];
  readonly problemCodes: string[];
}

const ERROR_LINE = /^error (ERR_[A-Z_]+)\b/;
const PROBLEM_LINE = /^ {2}- (.*?): .* \[(ERR_[A-Z_]+)\]$/;
/** A finding of `weft lint` (alias validate): `file:line:column  CODE  path  message  (hint)`; warnings' messages start with "warning:". */
const LINT_LINE = /^\S+:\d+:\d+ {2}(ERR_[A-Z_]+) {2}((?:(?! {2}).)+) {2}(?!warning:)/;

/** Reads the refusal out of a CLI run's stderr (docs/cli.md, "Errors and exit codes"). */
export function refusalOf(run: CliRun): CliRefusal {
  const codes: string[] = [];
  const paths: string[] = [];
  const problemCodes: string[] = [];
  const lines = run.stderr.split('\n');
  // A lint run reports its findings, then sums them up (ERR_LINT_FAILED): the findings are the refusal.
  const linted = lines.some((line) => LINT_LINE.test(line));
  for (const line of lines) {
    const error = ERROR_LINE.exec(line);
    if (error !== null && !(linted && error[1] === 'ERR_LINT_FAILED')) codes.push(error[1]!);
    const finding = LINT_LINE.exec(line);
    if (finding !== null) {
      codes.push(finding[1]!);
      paths.push(finding[2] === '(spec)' ? '' : finding[2]!);
      problemCodes.push(finding[1]!);
    }
    const problem = PROBLEM_LINE.exec(line);
    if (problem !== null) {
      paths.push(problem[1]!);
      problemCodes.push(problem[2]!);
    }
  }
  return { exitCode: run.code, codes, paths, problemCodes };
}
