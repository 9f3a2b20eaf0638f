import type { Broker, OpenBroker } from './broker.ts';

/** The adapters by URL scheme, each imported on first use (a namespace without queues loads no client). */
const adapters: Readonly<Record<string, () => Promise<{ open: OpenBroker }>>> = {
  memory: () => import('./memory.ts'),
  redis: () => import('./redis.ts'),
  rediss: () => import('./redis.ts'),
  nats: () => import('./nats.ts'),
  amqp: () => import('./amqp.ts'),
  amqps: () => import('./amqp.ts'),
  mqtt: () => import('./mqtt.ts'),
  mqtts: () => import('./mqtt.ts'),
};

/** The URL schemes the queue kinds know, in the order the docs list them. */
export const QUEUE_SCHEMES = Object.keys(adapters);

/** The scheme of a queue URL (`redis` for `redis://…`), or undefined when it has none. */
export function urlScheme(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
}

/** Why a queue URL cannot be used, or undefined when its scheme is known and it parses. */
export function urlProblem(url: string): string | undefined {
  const scheme = urlScheme(url);
  if (scheme === undefined || !(scheme in adapters)) {
    return `unknown queue URL scheme${scheme === undefined ? '' : ` "${scheme}"`} (known: ${QUEUE_SCHEMES.map((known) => `${known}://`).join(', ')})`;
  }
  if (!URL.canParse(url)) return 'is not a valid URL';
  if (scheme === 'memory' && new URL(url).host === '') return 'memory:// needs a name (memory://NAME)';
  return undefined;
}

/** Opens a broker for `url` (whose scheme `urlProblem` accepted), loading its adapter. */
export async function openBroker(url: string): Promise<Broker> {
  const load = adapters[urlScheme(url)!];
  if (load === undefined) throw new Error(`unknown queue URL scheme in ${redactUrl(url)}`);
  return (await load()).open(url);
}

/** The URL with its password replaced by `***`, for logs and stats. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
}
