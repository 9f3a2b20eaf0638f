import type { TokenVerifier } from '../auth/index.ts';
import type { LanguageRegistry } from '../language/index.ts';
import { silentLogger, type Logger } from '../log/index.ts';
import type { Node } from '../node/index.ts';
import { ProcessGroup } from '../process/index.ts';
import { DEFAULT_NAMESPACE } from '../spec/index.ts';
import type { HealthRegistry } from './health-registry.ts';
import type { CodecContext } from './kind.ts';
import type { LeaseTable } from './lease-table.ts';
import type { NetworkPolicy } from './network-policy.ts';
import type { Scheme } from './scheme.ts';
import { SpecChanges } from './spec-changes.ts';
import type { Syscall, SyscallTable } from './syscall.ts';

/** What a codec context is made of; everything but the scheme and languages has a default. */
export interface CodecContextOptions {
  readonly scheme: Scheme;
  readonly languages: LanguageRegistry;
  readonly namespace?: string;
  readonly processes?: ProcessGroup;
  readonly logger?: Logger;
  readonly syscalls?: SyscallTable;
  readonly network?: NetworkPolicy;
  /** Finds a loaded node of the namespace by name (the runtime's symbol table); default: none. */
  readonly node?: (name: string) => Node | undefined;
  /** The leases of the runtime's store (see CodecContext.leases); default: none. */
  readonly leases?: LeaseTable;
  /** The namespace's spec change feed (the runtime's, published by its loader); default: one nothing publishes to. */
  readonly specChanges?: SpecChanges;
  /** Where sources register their readiness (see CodecContext.health); default none. */
  readonly health?: HealthRegistry;
  /** The API tokens of the runtime's store; default: none. */
  readonly tokens?: TokenVerifier;
}

/**
 * Builds the context codecs get, with `compile` bound to the scheme and the context itself.
 * Its system calls are the given ones plus those the scheme's kinds offer (a given opcode wins).
 */
export function createCodecContext(options: CodecContextOptions): CodecContext {
  const syscalls = new Map<string, Syscall>();
  const context: CodecContext = {
    namespace: options.namespace ?? DEFAULT_NAMESPACE,
    languages: options.languages,
    processes: options.processes ?? new ProcessGroup(),
    logger: options.logger ?? silentLogger,
    syscalls,
    network: options.network,
    node: options.node ?? (() => undefined),
    leases: options.leases,
    specChanges: options.specChanges ?? new SpecChanges(),
    health: options.health,
    tokens: options.tokens,
    compile: (spec) => options.scheme.compile(spec, context),
  };
  for (const kind of options.scheme.kinds) {
    for (const [opcode, call] of Object.entries(options.scheme.definition(kind)?.syscalls?.(context) ?? {})) syscalls.set(opcode, call);
  }
  for (const [opcode, call] of options.syscalls ?? []) syscalls.set(opcode, call);
  return context;
}
