import { stringify } from 'yaml';
import type { Failure } from './check-expectations.ts';

/** One finished case, as reporters print it. */
export interface ReportedCase {
  /** The test file, relative to the working directory. */
  readonly file: string;
  readonly name: string;
  readonly where: string;
  readonly failures: readonly Failure[];
  readonly durationMs: number;
}

/**
 * TAP version 14: the plan, `ok N - FILE: NAME` or `not ok N - …` followed by an indented YAML
 * diagnostic (where the case is, and each failure's expected and actual), and a summary comment.
 */
export function tapReport(cases: readonly ReportedCase[]): string {
  const lines = ['TAP version 14', `1..${cases.length}`];
  cases.forEach((result, index) => {
    const title = `${index + 1} - ${result.file}: ${result.name}`;
    if (result.failures.length === 0) {
      lines.push(`ok ${title}`);
      return;
    }
    lines.push(`not ok ${title}`, '  ---');
    const diagnostic = stringify({ at: result.where, durationMs: Math.round(result.durationMs), failures: result.failures.map(jsonSafe) }, { lineWidth: 0 });
    for (const line of diagnostic.trimEnd().split('\n')) lines.push(`  ${line}`);
    lines.push('  ...');
  });
  const failed = cases.filter((result) => result.failures.length > 0).length;
  lines.push(`# ${cases.length - failed} passed, ${failed} failed`);
  return `${lines.join('\n')}\n`;
}

/** JUnit XML: one testsuite per test file, one testcase per case, a <failure> with the diagnostic for each failed one. */
export function junitReport(cases: readonly ReportedCase[]): string {
  const files = [...new Set(cases.map((result) => result.file))];
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const failedIn = (list: readonly ReportedCase[]) => list.filter((result) => result.failures.length > 0).length;
  const total = cases.reduce((sum, result) => sum + result.durationMs, 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="weft test" tests="${cases.length}" failures="${failedIn(cases)}" errors="0" time="${seconds(total)}">`];
  for (const file of files) {
    const list = cases.filter((result) => result.file === file);
    const time = list.reduce((sum, result) => sum + result.durationMs, 0);
    out.push(`  <testsuite name="${xml(file)}" tests="${list.length}" failures="${failedIn(list)}" errors="0" time="${seconds(time)}">`);
    for (const result of list) {
      const open = `    <testcase name="${xml(result.name)}" classname="${xml(file)}" file="${xml(result.where.replace(/:\d+$/, ''))}" time="${seconds(result.durationMs)}"`;
      if (result.failures.length === 0) {
        out.push(`${open}/>`);
        continue;
      }
      const message = result.failures.map((failure) => failure.what).join('; ');
      const detail = stringify({ at: result.where, failures: result.failures.map(jsonSafe) }, { lineWidth: 0 });
      out.push(`${open}>`, `      <failure message="${xml(`unmet: ${message}`)}" type="AssertionError">${xml(detail)}</failure>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/** XML text or attribute value: markup characters escaped, characters XML 1.0 cannot carry dropped. */
function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function jsonSafe(failure: Failure): Failure {
  return JSON.parse(JSON.stringify(failure, (_key, value: unknown) => (value === undefined ? null : value))) as Failure;
}
