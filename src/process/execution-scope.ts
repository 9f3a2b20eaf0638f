import type { Process } from './process.ts';

/** One hop of an execution: a packet from a node's out-port to another node's in-port. */
export interface ExecutionHop {
  readonly sourceNode: string;
  readonly sourcePort: string;
  readonly targetNode: string;
  readonly targetPort: string;
  readonly value: unknown;
}

/**
 * A long-lived run of a dataflow graph (seed 004's GraphExecution) as the kernel sees it: the
 * processes of its messages descend from one root process bound to the scope (`bindExecution`),
 * so any node finds it with `executionOf(process)`. It keeps per-node instance state (which
 * outlives a reload of the node: a hot-reloaded component carries its state over) and is told of
 * invocations and hops for its metrics and events. Implemented by the embedder that runs
 * executions; every method runs on the hot path: cheap, never throwing.
 */
export interface ExecutionScope {
  readonly id: string;
  /** The instance state of `node` in this execution (created empty on first use). */
  state(node: string): Map<string, unknown>;
  /** A node starts handling a packet on its in-port `port`. */
  invoked(node: string, port: string): void;
  /** A node finished handling a packet: how long it took, and its reply (an error reply counts as an error of `node`). */
  processed(node: string, port: string, latencyMs: number, reply: unknown): void;
  /** A packet crossed a link. */
  emitted(hop: ExecutionHop): void;
  /**
   * A new process of this execution, for work a node starts on its own later (an accumulated
   * batch, a timer): it counts as in flight until it exits, like a message's process.
   */
  fork(): Process;
  /** Registers work to run when the execution ends (stopped, completed, failed, timed out): instances clean up here. */
  onEnd(hook: () => void | Promise<void>): void;
  /** True once the execution ended. */
  readonly ended: boolean;
}

const scopes = new WeakMap<Process, ExecutionScope>();

/** Makes `root` (and every process descending from it) belong to `scope`. */
export function bindExecution(root: Process, scope: ExecutionScope): void {
  scopes.set(root, scope);
}

/** The execution `process` belongs to (through its ancestors), or undefined outside any. */
export function executionOf(process: Process): ExecutionScope | undefined {
  for (let at: Process | undefined = process; at !== undefined; at = at.parent) {
    const scope = scopes.get(at);
    if (scope !== undefined) return scope;
  }
  return undefined;
}
