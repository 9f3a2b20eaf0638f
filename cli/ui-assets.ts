import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The folder of the built web console (`ui/assets/` of the package, checked in and shipped in
 * the npm package), from the sources (cli/) or the build (dist/cli/); undefined when absent.
 */
export function uiAssetsDir(): string | undefined {
  for (const relative of ['../ui/assets/', '../../ui/assets/']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return undefined;
}
