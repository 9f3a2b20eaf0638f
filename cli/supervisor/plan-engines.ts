import { parseOpsAddress, WeftError } from '../../src/index.ts';
import { loadConfig, type Config } from '../config.ts';
import type { CliIO } from '../io.ts';

/** One engine `weft up` runs: a replica of a namespace, as a `weft start` child process. */
export interface EnginePlan {
  readonly namespace: string;
  readonly replica: number;
  /** How many replicas its namespace has (log prefixes name the replica only when there are several). */
  readonly replicas: number;
  /** The registry id the child registers under (WEFT_ENGINE_ID), the same across its restarts. */
  readonly engineId: string;
  readonly store: string;
  /** The `weft start` arguments. */
  readonly args: readonly string[];
  /** Variables added to the child's environment. */
  readonly env: Readonly<Record<string, string>>;
}

/** Where a supervised engine serves its ops plane when its namespace names none: a free loopback port. */
const DEFAULT_OPS = '127.0.0.1:0';

/**
 * The engines of `namespaces:`, in file order: `replicas` (default 1) per namespace, each a
 * `weft start -n NS` with the namespace's store and sandbox (as `weft start -n NS` would resolve
 * them), its ops address (replica N on PORT+N) and its extra `args`. Throws ERR_UP_NO_NAMESPACES
 * when there is none, ERR_CONFIG_INVALID (or ERR_OPS_ADDRESS_INVALID) for a bad setting.
 */
export function planEngines(io: CliIO, config: Config, runId: string): EnginePlan[] {
  const namespaces = Object.entries(config.namespaces ?? {});
  if (namespaces.length === 0) throw new WeftError('ERR_UP_NO_NAMESPACES', { reason: 'the config file lists no `namespaces:`' });
  const plans: EnginePlan[] = [];
  for (const [namespace, settings] of namespaces) {
    const replicas = settings.replicas ?? 1;
    const own = loadConfig(io, { namespace });
    const ops = parseOpsAddress(settings.ops ?? DEFAULT_OPS, { bindPublic: own.opsBindPublic });
    for (let replica = 0; replica < replicas; replica++) {
      const port = ops.port === 0 ? 0 : ops.port + replica;
      if (port > 65_535) throw new WeftError('ERR_CONFIG_INVALID', { reason: `namespaces.${namespace}.ops: replica ${replica} would listen on port ${port}, above 65535` });
      const host = ops.host.includes(':') ? `[${ops.host}]` : ops.host;
      plans.push({
        namespace, replica, replicas, engineId: `${namespace}-${replica}-${runId}`, store: own.store,
        args: ['start', '-n', namespace, '--store', own.store, '--sandbox', own.sandbox, '--ops', `${host}:${port}`, ...(settings.args ?? [])],
        env: { ...settings.env },
      });
    }
  }
  if (plans.length === 0) throw new WeftError('ERR_UP_NO_NAMESPACES', { reason: 'every namespace has `replicas: 0`' });
  return plans;
}
