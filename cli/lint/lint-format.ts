/** The output formats of `weft lint`. */
export type LintFormat = 'text' | 'json' | 'github' | 'sarif';

/** The formats, for the -o flag. */
export const LINT_FORMATS: readonly LintFormat[] = ['text', 'json', 'github', 'sarif'];
