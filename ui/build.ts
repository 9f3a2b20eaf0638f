// Builds the web console (ui/src) into ui/assets: the files `weft start --ops` serves at /ui.
// Run with `npm run build:ui`; test/ui/console-assets.test.ts rebuilds and compares.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** The built console: file name in ui/assets → content. Deterministic for the same sources and esbuild version. */
export async function buildConsole(): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: [here('./src/main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    legalComments: 'eof',
    write: false,
    outfile: 'console.js',
    logLevel: 'silent',
  });
  const files = new Map<string, string>();
  files.set('console.js', result.outputFiles[0]!.text);
  files.set('console.css', readFileSync(here('./src/console.css'), 'utf8'));
  files.set('index.html', readFileSync(here('./src/index.html'), 'utf8'));
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await buildConsole();
  mkdirSync(here('./assets/'), { recursive: true });
  for (const [name, text] of files) writeFileSync(here(`./assets/${name}`), text);
  console.log([...files].map(([name, text]) => `${name} ${text.length} bytes`).join('\n'));
}
