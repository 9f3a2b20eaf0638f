import { loadConfig } from '../config.ts';
import type { CliIO } from '../io.ts';
import type { OpsFlags } from './ops-flags.ts';

/** The namespace and ops address of a command, from its flags and the layered configuration. */
export function opsTarget(io: CliIO, flags: OpsFlags, namespace?: string): { namespace: string; address: string | undefined; token: string | undefined } {
  const config = loadConfig(io, { namespace: namespace ?? flags.namespace, ops: flags.ops });
  const token = flags.token ?? (io.env.WEFT_TOKEN || undefined);
  return { namespace: config.namespace, address: config.ops, token };
}
