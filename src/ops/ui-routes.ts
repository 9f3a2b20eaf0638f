import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { OpsResponse, OpsRoute } from './ops-route.ts';

/** Options of the console's static routes. */
export interface UiRoutesOptions {
  /** The folder of the built console (index.html and its assets), read once when the routes are made. */
  readonly dir: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

/** The page may load only its own assets and talk only to its own origin (the ops API and event stream). */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The web console's static routes, `GET /ui` (its page) and `GET /ui/FILE` (its assets), served
 * from memory without credentials: the page holds no data and no secret; it asks for a token and
 * every API call it makes is checked as usual. Only the files found in `dir` are served.
 */
export function uiRoutes(options: UiRoutesOptions): OpsRoute[] {
  const files = new Map<string, OpsResponse>();
  for (const name of readdirSync(options.dir)) {
    const type = TYPES[extname(name)];
    if (type === undefined) continue;
    const cache = name === 'index.html' ? 'no-cache' : 'public, max-age=300';
    files.set(name, { status: 200, contentType: type, headers: { ...SECURITY_HEADERS, 'cache-control': cache }, body: readFileSync(join(options.dir, name), 'utf8') });
  }
  const notFound = (path: string): OpsResponse => ({ status: 404, body: { error: { code: 'ERR_OPS_ROUTE_NOT_FOUND', message: `the ops plane has no route GET ${path}` } } });
  return [
    { method: 'GET', path: '/ui', role: 'read', public: true, handle: () => files.get('index.html') ?? notFound('/ui') },
    { method: 'GET', path: '/ui/*', role: 'read', public: true, handle: (request) => files.get(request.params['*'] || 'index.html') ?? notFound(request.path) },
  ];
}
