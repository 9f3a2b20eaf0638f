// The docs speak to users: a page that names uniflow, its versions or the seed documents links
// the page that explains them (docs/compatibility.md), and none cites the internal behaviour
// reference ("reference §N"), which users do not have.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DOCS = new URL('../../docs/', import.meta.url).pathname;

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return pages(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

describe('compatibility notes in the docs', () => {
  const all = pages(DOCS).filter((path) => !path.endsWith('compatibility.md'));

  it('every page naming uniflow, 57d or the seed links docs/compatibility.md', () => {
    const unlinked = all.filter((path) => {
      const text = readFileSync(path, 'utf8');
      return /uniflow|\b57d\b|the seed/.test(text) && !text.includes('compatibility.md');
    });
    expect(unlinked.map((path) => path.slice(DOCS.length))).toEqual([]);
  });

  it('no page cites the internal behaviour reference by section', () => {
    const citing = all.filter((path) => /reference §|uniflow §/.test(readFileSync(path, 'utf8')));
    expect(citing.map((path) => path.slice(DOCS.length))).toEqual([]);
  });

  it('the compatibility page explains uniflow, its versions and the seed', () => {
    const text = readFileSync(join(DOCS, 'compatibility.md'), 'utf8');
    for (const term of ['uniflow', '57d', 'HEAD', 'seed']) expect(text).toContain(term);
  });
});
