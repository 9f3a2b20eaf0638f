import type { Runtime, RuntimeState } from '../../runtime/index.ts';
import type { SymbolState } from '../../symbol/index.ts';
import { errorJson } from './json-payload.ts';

/** A node in a namespace status: its state, unresolved links and load error. */
export interface NodeStatusJson {
  readonly id: string;
  readonly name?: string;
  readonly kind: string;
  readonly state: SymbolState;
  readonly problems: readonly string[];
  readonly error?: { code: string; category: string; message: string };
  readonly pendingError?: { code: string; category: string; message: string };
}

/** What `GET /v1/namespaces/:namespace/status` answers (and `weft status` prints). */
export interface NamespaceStatus {
  readonly namespace: string;
  readonly state: RuntimeState;
  readonly ready: boolean;
  readonly paused: boolean;
  readonly backlog: { readonly size: number; readonly limit: number };
  readonly backpressureEvents: number;
  /** Root processes (requests, messages, ticks, injections) running now. */
  readonly inFlight: number;
  readonly nodes: readonly NodeStatusJson[];
}

/** The status of a runtime's namespace as plain JSON. */
export function namespaceStatus(runtime: Runtime): NamespaceStatus {
  const { processes } = runtime;
  return {
    namespace: runtime.namespace,
    state: runtime.state,
    ready: runtime.ready,
    paused: runtime.paused,
    backlog: { size: processes.backlogSize, limit: processes.backlogLimit },
    backpressureEvents: processes.backpressureEvents,
    inFlight: processes.size,
    nodes: runtime.status().map((node) => ({
      id: node.id,
      ...(node.name === undefined ? {} : { name: node.name }),
      kind: node.kind,
      state: node.state,
      problems: node.problems,
      ...(node.error === undefined ? {} : { error: errorJson(node.error) }),
      ...(node.pendingError === undefined ? {} : { pendingError: errorJson(node.pendingError) }),
    })),
  };
}
