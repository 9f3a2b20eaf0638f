export { lintSpecs, type LintOptions } from './lint-specs.ts';
export { findingsOf, type Finding, type Severity } from './finding.ts';
