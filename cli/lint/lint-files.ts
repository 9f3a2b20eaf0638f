import { relative } from 'node:path';
import { catalogue, describeSpec, WeftError, type ErrorCode, type Severity } from '../../src/index.ts';
import type { CliIO } from '../io.ts';
import { prepareSpecs, type PrepareOptions } from '../prepare-specs.ts';
import { readSpecs } from '../read-specs.ts';

/** One finding as `weft lint` prints it: where (file relative to the cwd, 1-based line and column), what, and what to do. */
export interface LocatedFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: Severity;
  readonly code: ErrorCode;
  readonly path: string;
  readonly message: string;
  readonly hint: string;
  /** The spec it is about (`listener/api`), when it is about one. */
  readonly spec?: string;
}

/** Everything lint found in a set of files, sorted by file, line and column. */
export interface LintReport {
  readonly files: number;
  readonly specs: number;
  readonly findings: LocatedFinding[];
}

/**
 * Reads the files (a file that does not parse is a finding at its error's position, and the
 * other files are still read), then lints every spec as apply would (prepareSpecs, with the
 * warnings), placing each finding at the line and column of its field.
 */
export async function lintFiles(paths: readonly string[], io: CliIO, options: PrepareOptions): Promise<LintReport> {
  const located: LocatedFinding[] = [];
  const files = new Set<string>();
  const sourced = await readSpecs(paths, io, {
    onFileError: (file, error) => {
      files.add(file);
      const at = /at line (\d+), column (\d+)$/.exec(error.message);
      located.push(locatedFinding(io, file, at === null ? 1 : Number(at[1]), at === null ? 1 : Number(at[2]), 'error', error.code, '', error.message));
    },
  });
  for (const spec of sourced) files.add(spec.file);
  const prepared = await prepareSpecs(sourced, { ...options, warnings: true });
  for (const finding of prepared.findings) {
    const { line, column } = finding.spec.locate(finding.path);
    const subject = describeSpec(prepared.specs[finding.index]!);
    located.push(locatedFinding(io, finding.spec.file, line, column, finding.severity, finding.code, finding.path, finding.message, subject));
  }
  located.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  return { files: files.size, specs: sourced.length, findings: located };
}

function locatedFinding(io: CliIO, file: string, line: number, column: number, severity: Severity, code: ErrorCode, path: string, message: string, spec?: string): LocatedFinding {
  const shown = file === 'stdin' ? file : relative(io.cwd, file) || file;
  const hint = (catalogue as Record<string, { hint: string } | undefined>)[code]?.hint ?? '';
  return { file: shown, line, column, severity, code, path, message, hint, ...(spec === undefined ? {} : { spec }) };
}

/** The error a lint run with errors ends with (its findings are printed first). */
export function lintFailed(report: LintReport): WeftError {
  const errors = report.findings.filter((finding) => finding.severity === 'error').length;
  return new WeftError('ERR_LINT_FAILED', { errors, warnings: report.findings.length - errors, files: report.files });
}
