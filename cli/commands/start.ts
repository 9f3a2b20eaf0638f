import { Command } from 'commander';
import { pino } from 'pino';
import {
  Authenticator, consoleRoutes, controlRoutes, namespaceSpecs, DEFAULT_BACKLOG_LIMIT, isValueStore, JwtVerifier, opsGuard, OpsPlane, parseOpsAddress, Runtime, secretKeyringFromEnv, specSyscalls, TokenRegistry, TokenVerifier, WeftError,
  type Logger, type OpsGuard, type OpsRoute, type SpecStore, uiRoutes,
} from '../../src/index.ts';
import { openStore, redactStoreUrl } from '../../src/store/index.ts';
import { applySpecs } from '../apply-specs.ts';
import { adminNetworkPolicy } from '../admin-network-policy.ts';
import { collect, configFor, createLanguages, createScheme, storeOptions, type AdminFlags, type StoreFlags } from '../context.ts';
import type { Config } from '../config.ts';
import type { CliIO } from '../io.ts';
import { readSpecs, type SourcedSpec } from '../read-specs.ts';
import { watchConfigFile } from '../config-reloader.ts';
import { retryWhileStoreDown } from '../retry-while-store-down.ts';
import { seedSystemNamespace, SYSTEM_NAMESPACE } from '../seed-system-namespace.ts';
import { shutdownSignal, SIGNAL_EXIT_CODES } from '../shutdown-signal.ts';
import { startTracing } from '../tracing/start-tracing.ts';
import { withHopSpans } from '../tracing/with-hop-spans.ts';
import { traceLogFields } from '../tracing/trace-log-fields.ts';
import { uiAssetsDir } from '../ui-assets.ts';
import { tracesEndpoint } from '../tracing/traces-endpoint.ts';

/** Flags of `weft start`. */
interface StartFlags extends StoreFlags, AdminFlags {
  readonly filename?: string[];
  readonly logLevel?: string;
  readonly sandbox?: string;
  readonly otel?: string;
}

/**
 * `weft start`: upsert the given files into the namespace, then run it until SIGINT/SIGTERM.
 * `-n system` without `-f` first loads the shipped admin workflow when the namespace is empty.
 * A store that cannot be reached (or refuses access, or is not fit yet) is waited for, with
 * backoff and one log line per attempt; a signal while waiting exits cleanly.
 */
export function startCommand(io: CliIO): Command {
  const command = new Command('start')
    .description('run a namespace (after upserting the specs in -f files)')
    .option('-f, --filename <path>', 'file, directory or - to upsert first (repeatable)', collect)
    .option('--log-level <level>', 'trace | debug | info | warn | error | silent')
    .option('--sandbox <where>', 'where javascript/typescript snippets run: process (default) | in-process (trusted code)')
    .option('--otel <url>', 'send OpenTelemetry traces to this OTLP/HTTP endpoint (e.g. http://127.0.0.1:4318)')
    .option('--admin-bind-public', 'let the system namespace (admin API) bind beyond loopback')
    .option('--admin-host <name>', 'a host name the admin API answers besides localhost (repeatable)', collect)
    .option('--insecure', 'no authentication on the admin API and the ops plane (local development only)')
    .option('--ops <host:port>', 'serve the ops plane (metrics, health, events) on HOST:PORT, e.g. 127.0.0.1:9464')
    .option('--ops-bind-public', 'let the ops plane bind beyond loopback');
  return storeOptions(command).action(async (flags: StartFlags) => {
    const config = configFor(io, flags);
    // The flag beats WEFT_OTEL and the file (configFor layers the shared flags only).
    const otel = flags.otel ?? config.otel;
    const traced = tracesEndpoint(otel, io.env) !== undefined;
    const root = pino({ level: config.logLevel, base: { pid: process.pid }, mixin: traced ? traceLogFields : undefined }, io.stdout);
    const logger = root as unknown as Logger;
    const sourced = await readSpecs(flags.filename ?? [], io);
    // The ops plane takes the admin API's credentials, checked once the store (its tokens) is open.
    const opsAuth: { guard?: OpsGuard } = {};
    const guard: OpsGuard | undefined = config.insecure ? undefined : async (headers, role) =>
      opsAuth.guard === undefined ? new WeftError('ERR_AUTH_UNAVAILABLE', { reason: 'the store is not open yet' }) : opsAuth.guard(headers, role);
    // The control routes (pause, resume, status, inject) and the console's serve the runtime once it runs.
    const running: Runtime[] = [];
    const ui = uiAssetsDir();
    const ops = config.ops === undefined ? undefined : new OpsPlane({
      ...parseOpsAddress(config.ops, { bindPublic: config.opsBindPublic }), logger, guard, maxValueLength: config.opsEventValueSize,
      routes: (plane): OpsRoute[] => [
        ...controlRoutes(() => running),
        ...consoleRoutes({ runtimes: () => running, metrics: plane.metrics, revisions: plane.revisions }),
        ...(ui === undefined ? [] : uiRoutes({ dir: ui })),
      ],
    });
    const tracing = traced ? await startTracing({ otel, env: io.env, namespace: config.namespace, logger }) : undefined;
    if (tracing !== undefined) logger.info({ endpoint: tracing.endpoint }, 'tracing to OTLP/HTTP');
    const shutdown = shutdownSignal();
    try {
      // Not ready until the runtime runs (the store may take a while), nor once shutting down.
      const starting = ops?.health.register('engine', () => ({ ok: false, reason: 'starting' }));
      if (ops !== undefined) {
        const address = await ops.start();
        logger.info({ ops: `${address.address}:${address.port}`, ...(ui === undefined ? {} : { console: `http://${address.address}:${address.port}/ui` }) }, 'ops plane listening');
      }
      const runtime = await retryWhileStoreDown(() => startRuntime(io, config, flags, sourced, logger, ops === undefined ? undefined : { plane: ops, auth: opsAuth }, tracing !== undefined), {
        logger, store: redactStoreUrl(config.store), signal: shutdown.signal,
      });
      if (runtime === undefined) {
        logger.info({ signal: String(shutdown.signal.reason) }, 'shutting down before the store was reached');
        return;
      }
      for (const node of runtime.status()) {
        if (node.state !== 'active') logger.warn({ node: node.name ?? node.id, state: node.state, problems: node.problems, err: node.error?.message }, 'node is not active');
      }
      running.push(runtime);
      // The console's revision history starts with what the runtime loaded.
      ops?.revisions.sync(namespaceSpecs(runtime).map((entry) => entry.spec));
      starting?.();
      logger.info({ store: redactStoreUrl(config.store) }, 'weft is running; stop with Ctrl-C');
      const stopWatching = watchConfigFile({
        io, current: config, logger, load: () => configFor(io, flags),
        apply: (next) => {
          root.level = next.logLevel;
          runtime.processes.backlogLimit = next.backlogLimit ?? DEFAULT_BACKLOG_LIMIT;
        },
      });
      shutdown.signal.addEventListener('abort', stopWatching, { once: true });
      // Signal handlers do not keep Node alive: an engine with no open socket must still wait for specs.
      const keepAlive = setInterval(() => {}, 2 ** 30);
      const signal = await shutdown.received;
      clearInterval(keepAlive);
      // Readiness turns false at once (runtime.ready), then sources stop admitting and the work in flight drains.
      logger.info({ signal, drainTimeoutMs: config.drainTimeoutMs }, 'shutting down: draining in-flight work; a second signal exits at once');
      ops?.health.register('engine', () => ({ ok: false, reason: 'shutting down' }));
      const forced = await Promise.race([runtime.close().then(() => undefined), shutdown.again]);
      if (forced !== undefined) {
        logger.warn({ signal: forced, inFlight: runtime.processes.size }, 'second signal: exiting without waiting for the drain');
        process.exit(SIGNAL_EXIT_CODES[forced] ?? 1);
      }
    } finally {
      shutdown.dispose();
      await tracing?.shutdown();
      await ops?.close();
    }
  });
}

/** One attempt: open the store, upsert the -f specs (or seed the system namespace), start the runtime; closes what it opened when it fails. */
async function startRuntime(io: CliIO, config: Config, flags: StartFlags, sourced: readonly SourcedSpec[], logger: Logger, ops: { plane: OpsPlane; auth: { guard?: OpsGuard } } | undefined, hopSpans: boolean): Promise<Runtime> {
  const scheme = createScheme();
  const keyring = secretKeyringFromEnv(io.env);
  const store = await openStore(config.store, { cwd: io.cwd, logger });
  const tokens = isValueStore(store) ? new TokenVerifier({ registry: new TokenRegistry(store) }) : undefined;
  const auth = config.insecure ? undefined : new Authenticator({ tokens, jwt: config.auth?.jwt === undefined ? undefined : new JwtVerifier(config.auth.jwt) });
  if (ops !== undefined && auth !== undefined) ops.auth.guard = opsGuard(auth);
  const runtime = new Runtime({
    namespace: config.namespace,
    store,
    scheme,
    languages: createLanguages(config.sandbox, ops?.plane.health),
    logger,
    drainTimeoutMs: config.drainTimeoutMs,
    processTimeoutMs: config.processTimeoutMs,
    backlogLimit: config.backlogLimit,
    syscalls: specSyscalls({ store, scheme, namespace: config.namespace }),
    network: adminNetworkPolicy(config, auth),
    tokens,
    keyring,
    env: io.env,
    ...(ops === undefined ? {} : { health: ops.plane.health }),
    // One observer: the ops plane's counters and, with tracing on, node-hop spans composed with them.
    ...(hopSpans ? { observer: withHopSpans(ops?.plane.observer(config.namespace)) } : ops === undefined ? {} : { observer: ops.plane.observer(config.namespace) }),
  });
  const unwatch = ops?.plane.watch(runtime, store);
  try {
    if (sourced.length > 0) await applySpecs(sourced, { scheme, namespace: config.namespace, store });
    else if (flags.filename === undefined && config.namespace === SYSTEM_NAMESPACE) await seedSystemNamespace(io, { store, scheme, logger, bindPublic: config.adminBindPublic });
    await runtime.start();
    await announceAuth(config, store, logger);
    return runtime;
  } catch (thrown) {
    unwatch?.();
    await runtime.close();
    throw thrown;
  }
}

/** Says how the admin API is protected: a warning with --insecure, a hint when it needs a token and none exists. */
async function announceAuth(config: Config, store: SpecStore, logger: Logger): Promise<void> {
  if (config.insecure) {
    logger.warn('authentication is off (--insecure): anyone who can reach the admin API or the ops plane can read and change every workflow; use it for local development only');
    return;
  }
  if (config.namespace !== SYSTEM_NAMESPACE || config.auth?.jwt !== undefined || !isValueStore(store)) return;
  if ((await new TokenRegistry(store).list()).length === 0) {
    logger.info('the admin API requires a token and the store holds none: create one with `weft token create NAME --role admin` (or run with --insecure for local development)');
  }
}
