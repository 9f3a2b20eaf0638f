// The pictures in docs/pictures/ are `weft graph -o svg` of the examples they show: regenerated
// here and compared, so a change of an example or of the renderer cannot leave a stale picture
// (WEFT_WRITE_DOCS=1 writes them instead).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeTopology, normalizeSpec, type Spec } from '../../src/index.ts';
import { createScheme } from '../../cli/context.ts';
import { renderSvg } from '../../cli/graph/render-svg.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
/** Picture → the example it draws, and the page that shows it. */
const PICTURES = [
  { svg: 'docs/pictures/ping.svg', example: 'examples/ping.yaml', page: 'docs/concepts.md' },
  { svg: 'docs/pictures/queue-workers.svg', example: 'examples/queue-workers.yaml', page: 'docs/concepts.md' },
  { svg: 'docs/pictures/private-api.svg', example: 'examples/private-api.yaml', page: 'docs/auth.md' },
];

describe('pictures in docs/', () => {
  const scheme = createScheme();
  for (const picture of PICTURES) {
    it(`${picture.svg} is weft graph -o svg of ${picture.example}, shown in ${picture.page}`, () => {
      const specs = (parse(readFileSync(ROOT + picture.example, 'utf8')) as Spec[]).map((spec) => normalizeSpec(spec, 'default'));
      const drawn = renderSvg(analyzeTopology(specs, (spec) => scheme.portsOf(spec)));
      if (process.env.WEFT_WRITE_DOCS === '1' || !existsSync(ROOT + picture.svg)) writeFileSync(ROOT + picture.svg, drawn);
      expect(readFileSync(ROOT + picture.svg, 'utf8'), `run WEFT_WRITE_DOCS=1 npx vitest run test/docs/pictures.test.ts`).toBe(drawn);
      const relative = picture.svg.slice('docs/'.length);
      expect(readFileSync(ROOT + picture.page, 'utf8')).toContain(`](${relative})`);
    });
  }
});
