import type { Runtime, RuntimeState } from '../../runtime/index.ts';
import type { ConsoleSpec } from './namespace-specs.ts';

/** A namespace in the console's list: engine state, counts of specs and nodes, failed loads, sources by kind. */
export interface NamespaceSummary {
  readonly namespace: string;
  readonly state: RuntimeState;
  readonly ready: boolean;
  readonly paused: boolean;
  readonly backlog: number;
  readonly inFlight: number;
  readonly specs: number;
  readonly nodes: Readonly<Record<'active' | 'inactive' | 'failed', number>>;
  /** Specs whose latest revision fails to load (including newer revisions of running nodes). */
  readonly failedLoads: number;
  /** The nodes that start work themselves (kinds with no in-port: listeners, consumers, schedules…), counted by kind. */
  readonly sources: Readonly<Record<string, number>>;
}

/** The summary of a runtime's namespace, from its console specs. */
export function namespaceSummary(runtime: Runtime, specs: readonly ConsoleSpec[]): NamespaceSummary {
  const nodes = { active: 0, inactive: 0, failed: 0 };
  const sources: Record<string, number> = {};
  for (const entry of specs) {
    nodes[entry.state]++;
    let ports;
    try {
      ports = runtime.scheme.portsOf(entry.spec);
    } catch {
      ports = undefined;
    }
    if (ports !== undefined && ports.in.length === 0) sources[entry.kind] = (sources[entry.kind] ?? 0) + 1;
  }
  return {
    namespace: runtime.namespace,
    state: runtime.state,
    ready: runtime.ready,
    paused: runtime.paused,
    backlog: runtime.processes.backlogSize,
    inFlight: runtime.processes.size,
    specs: specs.length,
    nodes,
    failedLoads: runtime.loader.failures.size,
    sources,
  };
}
