import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildConsole } from '../../ui/build.ts';

const ASSETS = new URL('../../ui/assets/', import.meta.url);

describe('the built web console (ui/assets)', () => {
  it('is what ui/src builds to (run npm run build:ui after a change), within 300 KB gzipped', async () => {
    const built = await buildConsole();
    let gzipped = 0;
    for (const [name, text] of built) {
      expect(readFileSync(new URL(name, ASSETS), 'utf8'), `ui/assets/${name} is stale: npm run build:ui`).toBe(text);
      gzipped += gzipSync(text, { level: 9 }).length;
    }
    console.log(`console bundle: ${[...built].map(([name, text]) => `${name} ${text.length} B`).join(', ')}; ${gzipped} B gzipped in all (budget 300 KB)`);
    expect(gzipped).toBeLessThanOrEqual(300 * 1024);
  });
});
