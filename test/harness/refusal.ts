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

/** Reads the refusal out of a CLI run's stderr (docs/cli.md, "Errors and exit codes"). */
export function refusalOf(run: CliRun): CliRefusal {
  const codes: string[] = [];
  const paths: string[] = [];
  const problemCodes: string[] = [];
  for (const line of run.stderr.split('\n')) {
    const error = ERROR_LINE.exec(line);
    if (error !== null) codes.push(error[1]!);
    const problem = PROBLEM_LINE.exec(line);
    if (problem !== null) {
      paths.push(problem[1]!);
      problemCodes.push(problem[2]!);
    }
  }
  return { exitCode: run.code, codes, paths, problemCodes };
}
