import { catalogue, type ErrorCode } from '../../src/index.ts';
import type { LintFormat } from './lint-format.ts';
import type { LintReport, LocatedFinding } from './lint-files.ts';


/**
 * A lint report in one format: `text` (one compiler-style line per finding, `file:line:column
 * CODE path message (hint)`, warnings' messages starting with "warning:"), `json`, `github`
 * (workflow commands that annotate the lines of a pull request) or `sarif` (SARIF 2.1.0, for
 * code-scanning tools).
 */
export function renderFindings(report: LintReport, format: LintFormat, version: string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ files: report.files, specs: report.specs, ...counts(report), findings: report.findings }, null, 2)}\n`;
    case 'github':
      return report.findings.map(githubLine).join('');
    case 'sarif':
      return `${JSON.stringify(sarif(report, version), null, 2)}\n`;
    case 'text':
      return report.findings.map(textLine).join('');
  }
}

/** How many errors and warnings a report holds. */
export function counts(report: LintReport): { errors: number; warnings: number } {
  const errors = report.findings.filter((finding) => finding.severity === 'error').length;
  return { errors, warnings: report.findings.length - errors };
}

function textLine(finding: LocatedFinding): string {
  const message = finding.severity === 'warning' ? `warning: ${finding.message}` : finding.message;
  return `${finding.file}:${finding.line}:${finding.column}  ${finding.code}  ${finding.path || '(spec)'}  ${message}  (${finding.hint})\n`;
}

/** `::error file=F,line=L,col=C,title=CODE::message`, escaped as the workflow command syntax asks. */
function githubLine(finding: LocatedFinding): string {
  const property = (value: string) => escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const properties = `file=${property(finding.file)},line=${finding.line},col=${finding.column},title=${property(finding.code)}`;
  return `::${finding.severity} ${properties}::${escapeData(`${finding.path || '(spec)'}: ${finding.message} (${finding.hint})`)}\n`;
}

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function sarif(report: LintReport, version: string): unknown {
  const codes = [...new Set(report.findings.map((finding) => finding.code))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'weft',
          version,
          rules: codes.map((code) => ({
            id: code,
            shortDescription: { text: catalogue[code as ErrorCode].message },
            help: { text: catalogue[code as ErrorCode].hint },
          })),
        },
      },
      results: report.findings.map((finding) => ({
        ruleId: finding.code,
        ruleIndex: codes.indexOf(finding.code),
        level: finding.severity,
        message: { text: `${finding.path || '(spec)'}: ${finding.message}` },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: finding.file.split('\\').join('/') },
            region: { startLine: finding.line, startColumn: finding.column },
          },
        }],
      })),
    }],
  };
}
