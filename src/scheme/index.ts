export { Scheme, invalidSpecError, type SchemeOptions } from './scheme.ts';
export { defineKind, declaresPort, type Codec, type CodecContext, type KindDefinition, type PortDeclaration, type SpecOf, type ValidateChild } from './kind.ts';
export { pointerToPath, type Problem } from './problem.ts';
export { checkLinkTargets } from './check-links.ts';
export { commonProperties, PortLocationSchema } from './common-schema.ts';
export type { Syscall, SyscallTable } from './syscall.ts';
export { createCodecContext, type CodecContextOptions } from './codec-context.ts';
export type { NetworkPolicy } from './network-policy.ts';
export { SpecChanges, type SpecChange, type SpecChangeListener } from './spec-changes.ts';
