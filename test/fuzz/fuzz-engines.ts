import { Runtime, silentLogger, specSyscalls, type Spec, type SpecStore, type StoredSpec } from '../../src/index.ts';
import { openStore } from '../../src/store/index.ts';
import { createLanguages, createScheme } from '../../cli/context.ts';
import { seedSystemNamespace } from '../../cli/seed-system-namespace.ts';
import { eventually, freePort } from '../harness/cli.ts';
import { pingYaml } from '../e2e/guarantees/ping-versions.ts';
import { parseSpecs } from '../../cli/read-specs.ts';

/** The ping workflow's names: the generated specs never take them. */
export const PING_NAMES = ['listener', 'router', 'pong'].map((name) => `ping-${name}`);

/** A running engine of the namespace `default` serving ping, on a store of its own (same file as the CLI's). */
export interface FuzzEngines {
  /** A store of the test's own on the same URL, to read and clean what the CLI and the API wrote. */
  readonly store: SpecStore;
  readonly engine: Runtime;
  /** GET /ping of the engine: its body, or undefined when it does not answer 200. */
  ping(): Promise<string | undefined>;
  /** The admin API's base URL, once `startAdmin` ran. */
  admin?: string;
  /** Starts a `system` runtime serving the shipped admin API on the same store. */
  startAdmin(): Promise<string>;
  /** Deletes every spec but the ping workflow and the admin API's (so listeners and unnamed specs do not pile up). */
  clean(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the store at `url`, puts the ping workflow in `default` and starts its engine. */
export async function startFuzzEngines(url: string): Promise<FuzzEngines> {
  const store = await openStore(url);
  const port = await freePort();
  const ping = pingYaml(port).replace(/name: (listener|router|pong)/g, 'name: ping-$1');
  await store.upsert(parseSpecs(ping, 'ping.yaml').map(({ spec }) => spec as unknown as Spec));
  const scheme = createScheme();
  const engineStore = await openStore(url);
  const engine = new Runtime({
    namespace: 'default', store: engineStore, scheme, languages: createLanguages('in-process'), logger: silentLogger,
    syscalls: specSyscalls({ store: engineStore, scheme, namespace: 'default' }), drainTimeoutMs: 1000,
  });
  await engine.start();
  const runtimes: Runtime[] = [engine];
  const answer = async (): Promise<string | undefined> => {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(2000) });
      return response.status === 200 ? await response.text() : undefined;
    } catch {
      return undefined;
    }
  };
  await eventually(answer, 10_000, 'the ping workflow');
  let systemIds = new Set<string>();
  const engines: FuzzEngines = {
    store,
    engine,
    ping: answer,
    startAdmin: async () => {
      const adminPort = await freePort();
      const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: { WEFT_SYSTEM_PORT: String(adminPort) }, cwd: process.cwd() };
      const adminStore = await openStore(url);
      await seedSystemNamespace(io, { store: adminStore, scheme, logger: silentLogger });
      systemIds = new Set((await store.find({ namespace: 'system' })).map((spec) => spec.id));
      const admin = new Runtime({
        namespace: 'system', store: adminStore, scheme, languages: createLanguages('in-process'), logger: silentLogger,
        syscalls: specSyscalls({ store: adminStore, scheme, namespace: 'system' }), drainTimeoutMs: 1000,
      });
      await admin.start();
      runtimes.push(admin);
      const base = `http://127.0.0.1:${adminPort}/v1/specs`;
      await eventually(async () => ((await fetch(base, { signal: AbortSignal.timeout(1000) })).status === 200 ? true : undefined), 10_000, 'the admin API');
      engines.admin = base;
      return base;
    },
    clean: async () => {
      const kept = (spec: StoredSpec): boolean => (spec.namespace === 'default' && PING_NAMES.includes(spec.name ?? '')) || systemIds.has(spec.id);
      const doomed = (await store.find()).filter((spec) => !kept(spec)).map((spec) => spec.id);
      if (doomed.length > 0) await store.delete({ id: doomed });
    },
    close: async () => {
      for (const runtime of runtimes.reverse()) await runtime.close();
      await store.close();
    },
  };
  return engines;
}
