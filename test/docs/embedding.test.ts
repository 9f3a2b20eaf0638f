import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(new URL('../../docs/embedding.md', import.meta.url), 'utf8');

describe('docs/embedding.md', () => {
  it('runs its example as written (with weft and weft/schemes resolved to the source) and prints the reply', async () => {
    const code = /```ts\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(code).toBeDefined();
    const printed: unknown[] = [];
    const source = code!
      .replace("from 'weft/schemes'", "from '../../schemes/core.ts'")
      .replace("from 'weft'", "from '../../src/index.ts'")
      .replaceAll('console.log(', 'globalThis.__printed.push(');
    (globalThis as { __printed?: unknown[] }).__printed = printed;
    const file = new URL(`./embedding-example-${randomUUID().slice(0, 8)}.ts`, import.meta.url);
    writeFileSync(file, source + '\nexport {};\n');
    try {
      await import(file.href);
    } finally {
      rmSync(file, { force: true });
    }
    expect(printed).toEqual(['hello /world']);
  });

  it('names package exports that exist: weft and weft/schemes map to built files of existing sources', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, { default: string } | string> };
    for (const [entry, target] of Object.entries(pkg.exports)) {
      const path = typeof target === 'string' ? target : target.default;
      const source = path.replace(/^\.\/dist\//, './').replace(/\.js$/, '.ts');
      expect(() => readFileSync(new URL(`../../${source}`, import.meta.url)), entry).not.toThrow();
    }
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './schemes']));
  });
});
