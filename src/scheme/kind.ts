import type { Static, TObject, TProperties } from '@sinclair/typebox';
import type { LanguageRegistry } from '../language/index.ts';
import type { TokenVerifier } from '../auth/index.ts';
import type { Logger } from '../log/index.ts';
import type { Node } from '../node/index.ts';
import type { ProcessGroup } from '../process/index.ts';
import type { Spec } from '../spec/index.ts';
import type { HealthRegistry } from './health-registry.ts';
import type { LeaseTable } from './lease-table.ts';
import type { NetworkPolicy } from './network-policy.ts';
import type { Problem } from './problem.ts';
import type { SpecChanges } from './spec-changes.ts';
import type { Syscall, SyscallTable } from './syscall.ts';

/** What a codec gets besides the spec: the runtime's services, never globals. */
export interface CodecContext {
  readonly namespace: string;
  readonly languages: LanguageRegistry;
  /** Where sources start their root processes, so the runtime can drain them. */
  readonly processes: ProcessGroup;
  readonly logger: Logger;
  /**
   * Compiles an inline child spec (a `block`'s steps, a `try`'s body…) with the same scheme and
   * context. Child specs have no links of their own unless the kind wires them.
   */
  readonly compile: (spec: Spec) => Promise<Node>;
  /** The system calls of the runtime (the `syscall` kind), by opcode. */
  readonly syscalls: SyscallTable;
  /** What the embedder allows network-facing nodes (bind address, Host names); undefined: anything. */
  readonly network?: NetworkPolicy;
  /**
   * The loaded node of the namespace called `name`, or undefined when none is (for kinds that
   * reach nodes by name at run time, such as `exec`'s runtime API; links stay the way to wire
   * nodes). Call it per use, never at compile time: the answer changes as specs reload.
   */
  readonly node: (name: string) => Node | undefined;
  /**
   * The leases of the runtime's store, shared with every engine on that store; undefined when
   * the embedder gave none (then only this process takes part in an election).
   */
  readonly leases?: LeaseTable;
  /** The spec change feed of the namespace (the `signal` kind); subscribe in `activate`, unsubscribe in `deactivate`/`close`. */
  readonly specChanges: SpecChanges;
  /**
   * Where listeners, consumers and other sources register what readiness depends on (bound,
   * connected): register in `activate`, unregister in `deactivate`/`close`. Undefined when the
   * embedder runs no health checks.
   */
  readonly health?: HealthRegistry;
  /** The API tokens of the runtime's store (a listener's `auth.tokens`); undefined when the store keeps none. */
  readonly tokens?: TokenVerifier;
}

/**
 * Builds a node from a validated spec. May be async (compiling a snippet); must throw a
 * WeftError for a spec it cannot build, and must not start serving: that is `activate`.
 */
export type Codec<S extends Spec = Spec> = (spec: S, context: CodecContext) => Node | Promise<Node>;

/**
 * The ports a kind has. Entries are names (`in`, `out`, `error`) or an indexed family written
 * `out[]` (which also accepts the bare `out` as `out[0]`). Used to check links before compiling.
 */
export interface PortDeclaration {
  readonly in: readonly string[];
  readonly out: readonly string[];
}

/** One registration: kind name, self-documenting spec schema (kind fields only), ports, codec. */
export interface KindDefinition<P extends TProperties = TProperties> {
  readonly kind: string;
  readonly description: string;
  readonly schema: TObject<P>;
  readonly ports: PortDeclaration | ((spec: Spec) => PortDeclaration);
  /**
   * The kind's Codec. Written as a method so that a definition of any kind is assignable to
   * `KindDefinition` (a scheme's table): the scheme only calls it with specs of this kind.
   */
  codec(spec: Spec & Static<TObject<P>>, context: CodecContext): Node | Promise<Node>;
  /**
   * Checks beyond the schema (fields that exclude each other, inline child specs), run by
   * `Scheme.validate` only when the spec's fields match the schema. Must be pure and
   * synchronous. `validateChild` validates an inline child spec with the same scheme and
   * returns its problems with `path` (e.g. `specs[1]`) in front of theirs.
   */
  validate?(spec: Spec & Static<TObject<P>>, validateChild: ValidateChild): Problem[];
  /**
   * System calls the kind offers to its runtime (e.g. `queues.stats`), by opcode, made once
   * per codec context; they join the context's table unless the runtime gives the same
   * opcode itself. They may keep per-context state (the nodes of this kind in that runtime).
   */
  syscalls?(context: CodecContext): Readonly<Record<string, Syscall>>;
  /**
   * The programs a valid spec holds (a snippet's `code`, an if's `when`), each with the field
   * it sits in and its language, so that lint, apply and the admin API compile them before
   * anything is written (the codec compiles the same ones at load). Must be pure.
   */
  programs?(spec: Spec & Static<TObject<P>>): readonly ProgramSource[];
  /**
   * The inline child specs of a valid spec (a block's steps) with the field each sits in, so
   * that checks walking the tree (their programs) reach them. Must be pure.
   */
  children?(spec: Spec & Static<TObject<P>>): readonly { readonly path: string; readonly spec: Spec }[];
  /**
   * Findings about a valid spec that refuse nothing (a listener whose `out` is not linked):
   * `weft lint` prints them as warnings. Must be pure and synchronous.
   */
  warnings?(spec: Spec & Static<TObject<P>>): Problem[];
}

/** A program a spec holds: where (`matches[1].when`), in which language, and where that language is set (when a field sets it). */
export interface ProgramSource {
  readonly path: string;
  readonly language: string;
  readonly code: string;
  readonly languagePath?: string;
}

/** Validates an inline child spec; its problems come back with `path` in front of their paths. */
export type ValidateChild = (child: Spec, path: string) => Problem[];

/** The typed spec of a kind definition. */
export type SpecOf<D> = D extends KindDefinition<infer P> ? Spec & Static<TObject<P>> : never;

/** Declares a kind with its spec type inferred from its schema (one source for both). */
export function defineKind<P extends TProperties>(definition: KindDefinition<P>): KindDefinition<P> {
  return definition;
}

/** True when `declared` (from a PortDeclaration) names the port `name`. */
export function declaresPort(declared: readonly string[], name: string): boolean {
  for (const entry of declared) {
    if (entry === name) return true;
    if (entry.endsWith('[]')) {
      const base = entry.slice(0, -2);
      if (name === base || new RegExp(`^${base}\\[\\d+\\]$`).test(name)) return true;
    }
  }
  return false;
}
