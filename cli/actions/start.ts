import { pino } from 'pino';
import { logDestination } from '../log-destination.ts';
import {
  Authenticator, consoleRoutes, controlRoutes, namespaceSpecs, DEFAULT_BACKLOG_LIMIT, isValueStore, JwtVerifier, opsGuard, OpsPlane, parseOpsAddress, Runtime, secretKeyringFromEnv, specSyscalls, TokenRegistry, TokenVerifier, WeftError,
  type EngineHeartbeat, type Logger, type OpsGuard, type OpsRoute, type SpecStore, uiRoutes,
} from '../../src/index.ts';
import { openStore, redactStoreUrl } from '../../src/store/index.ts';
import { applySpecs } from '../apply-specs.ts';
import { adminNetworkPolicy } from '../admin-network-policy.ts';
import { createLanguages, createScheme } from '../context.ts';
import { configFor } from '../config-for.ts';
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
import { registerEngine } from '../register-engine.ts';
import { notifySupervisor } from '../supervisor/notify-supervisor.ts';
import type { StartFlags } from '../commands/start.ts';

/** One attempt: open the store, upsert the -f specs (or seed the system namespace), start the runtime; closes what it opened when it fails. */
async function startRuntime(
  io: CliIO, config: Config, flags: StartFlags, sourced: readonly SourcedSpec[], logger: Logger, ops: { plane: OpsPlane; auth: { guard?: OpsGuard }; url?: string } | undefined, hopSpans: boolean,
): Promise<{ runtime: Runtime; heartbeat: EngineHeartbeat | undefined }> {
  const scheme = createScheme();
  const keyring = secretKeyringFromEnv(io.env);
  const store = await openStore(config.store, { cwd: io.cwd, logger });
  const tokens = isValueStore(store) ? new TokenVerifier({ registry: new TokenRegistry(store) }) : undefined;
  const auth = config.insecure ? undefined : new Authenticator({ tokens, jwt: config.auth?.jwt === undefined ? undefined : new JwtVerifier(config.auth.jwt) });
  if (ops !== undefined && auth !== undefined) ops.auth.guard = opsGuard(auth);
  const languages = createLanguages(config.sandbox, ops?.plane.health);
  const runtime = new Runtime({
    namespace: config.namespace,
    store,
    scheme,
    languages,
    logger,
    drainTimeoutMs: config.drainTimeoutMs,
    processTimeoutMs: config.processTimeoutMs,
    backlogLimit: config.backlogLimit,
    syscalls: specSyscalls({ store, scheme, languages, namespace: config.namespace }),
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
    if (sourced.length > 0) await applySpecs(sourced, { scheme, languages, namespace: config.namespace, store, allowDangling: true });
    else if (flags.filename === undefined && config.namespace === SYSTEM_NAMESPACE) await seedSystemNamespace(io, { store, scheme, logger, bindPublic: config.adminBindPublic });
    await runtime.start();
    await announceAuth(config, store, logger);
    const heartbeat = await registerEngine({ store, runtime, ops: ops?.url, env: io.env, logger });
    return { runtime, heartbeat };
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

/** Runs `weft start` (its definition: cli/commands/start.ts). */
export async function runStart(io: CliIO, flags: StartFlags): Promise<void> {
  const config = configFor(io, flags);
  // The flag beats WEFT_OTEL and the file (configFor layers the shared flags only).
  const otel = flags.otel ?? config.otel;
  const traced = tracesEndpoint(otel, io.env) !== undefined;
  const root = pino({ level: config.logLevel, base: { pid: process.pid }, mixin: traced ? traceLogFields : undefined }, await logDestination(io, config.logFormat));
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
  // Under `weft up`: a supervisor that dies (even by SIGKILL) leaves no orphan engine behind.
  const orphaned = (): void => {
    if (!shutdown.signal.aborted) process.kill(process.pid, 'SIGTERM');
  };
  if (typeof process.send === 'function') process.once('disconnect', orphaned);
  try {
    // Not ready until the runtime runs (the store may take a while), nor once shutting down.
    const starting = ops?.health.register('engine', () => ({ ok: false, reason: 'starting' }));
    let opsUrl: string | undefined;
    if (ops !== undefined) {
      const address = await ops.start();
      opsUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
      logger.info({ ops: `${address.address}:${address.port}`, ...(ui === undefined ? {} : { console: `http://${address.address}:${address.port}/ui` }) }, 'ops plane listening');
    }
    const started = await retryWhileStoreDown(() => startRuntime(io, config, flags, sourced, logger, ops === undefined ? undefined : { plane: ops, auth: opsAuth, url: opsUrl }, tracing !== undefined), {
      logger, store: redactStoreUrl(config.store), signal: shutdown.signal,
    });
    if (started === undefined) {
      logger.info({ signal: String(shutdown.signal.reason) }, 'shutting down before the store was reached');
      return;
    }
    const { runtime, heartbeat } = started;
    for (const node of runtime.status()) {
      if (node.state !== 'active') logger.warn({ node: node.name ?? node.id, state: node.state, problems: node.problems, err: node.error?.message }, 'node is not active');
    }
    running.push(runtime);
    // The console's revision history starts with what the runtime loaded.
    ops?.revisions.sync(namespaceSpecs(runtime).map((entry) => entry.spec));
    starting?.();
    logger.info({ store: redactStoreUrl(config.store) }, 'weft is running; stop with Ctrl-C');
    notifySupervisor({ weft: 'ready', ops: opsUrl });
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
    notifySupervisor({ weft: 'draining' });
    // Out of the registry first: nobody should discover an engine that drains.
    await heartbeat?.close().catch((thrown: unknown) => logger.warn({ err: (thrown as Error).message }, 'engine record not removed from the registry'));
    const forced = await Promise.race([runtime.close().then(() => undefined), shutdown.again]);
    if (forced !== undefined) {
      logger.warn({ signal: forced, inFlight: runtime.processes.size }, 'second signal: exiting without waiting for the drain');
      process.exit(SIGNAL_EXIT_CODES[forced] ?? 1);
    }
  } finally {
    shutdown.dispose();
    process.off('disconnect', orphaned);
    await tracing?.shutdown();
    await ops?.close();
  }
}
