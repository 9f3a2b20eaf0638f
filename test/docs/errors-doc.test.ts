import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogue, httpStatusOf, type ErrorCode, type ErrorRow } from '../../src/index.ts';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const rows = new Map<string, { category: string; status: string }>();
for (const match of doc.matchAll(/^\| `(ERR_\w+)` \| ([^|]+?) \| (\d+) \|/gm)) {
  rows.set(match[1]!, { category: match[2]!, status: match[3]! });
}

describe('docs/errors.md', () => {
  it('documents every catalogue code with its category and HTTP status (its own, else its category\'s)', () => {
    for (const [code, row] of Object.entries(catalogue) as [ErrorCode, ErrorRow][]) {
      expect(rows.get(code), `${code} is missing from docs/errors.md`).toEqual({
        category: row.category,
        status: String(row.status ?? httpStatusOf[row.category]),
      });
    }
  });

  it('documents no code the catalogue does not have', () => {
    for (const code of rows.keys()) expect(code in catalogue, `${code} is not in the catalogue`).toBe(true);
  });

  it('gives every code a hint', () => {
    for (const code of Object.keys(catalogue) as ErrorCode[]) expect(catalogue[code].hint.length).toBeGreaterThan(10);
  });
});
