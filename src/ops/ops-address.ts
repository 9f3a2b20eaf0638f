import { isIP } from 'node:net';
import { WeftError } from '../errors/index.ts';

/** A parsed ops address. */
export interface OpsAddress {
  readonly host: string;
  readonly port: number;
}

const LOOPBACK_NAMES = new Set(['localhost', '::1']);

/**
 * Parses `HOST:PORT` (`[::1]:9464` for IPv6) for the ops plane: ERR_OPS_ADDRESS_INVALID for a
 * malformed one, and for a host beyond loopback unless `bindPublic` (the ops plane exposes
 * what the engine does; until it has authentication it stays local by default).
 */
export function parseOpsAddress(text: string, options: { readonly bindPublic?: boolean } = {}): OpsAddress {
  const refuse = (reason: string) => new WeftError('ERR_OPS_ADDRESS_INVALID', { address: text, reason });
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  if (match === null) throw refuse('expected HOST:PORT');
  const host = match[1] ?? match[2]!;
  const port = Number(match[3]);
  if (port > 65_535) throw refuse(`port ${port} is above 65535`);
  if (match[1] !== undefined && isIP(host) !== 6) throw refuse(`"${host}" is not an IPv6 address`);
  const loopback = LOOPBACK_NAMES.has(host) || (isIP(host) === 4 && host.startsWith('127.'));
  if (!loopback && options.bindPublic !== true) throw refuse(`${host} is not a loopback address; pass --ops-bind-public (WEFT_OPS_BIND_PUBLIC) to expose the ops plane`);
  return { host, port };
}
