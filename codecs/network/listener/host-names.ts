import { BlockList, isIP } from 'node:net';

/** The host names every policy allows in a Host header: the loopback ones. */
const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** True for an address that only the machine itself can reach: 127.0.0.0/8, ::1 (any spelling), localhost. */
export function isLoopbackAddress(host: string): boolean {
  const address = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (address.toLowerCase() === 'localhost') return true;
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * A Host-header check: allows the loopback names and `allowed`, compared without case, without
 * the port and without a trailing dot. A missing or empty Host is refused.
 */
export class HostNames {
  readonly #allowed: ReadonlySet<string>;

  constructor(allowed: readonly string[]) {
    this.#allowed = new Set([...LOOPBACK_NAMES, ...allowed].map(normalise));
  }

  /** True when a request with this Host header may be served. */
  allows(header: string | undefined): boolean {
    if (header === undefined || header === '') return false;
    return this.#allowed.has(normalise(withoutPort(header)));
  }
}

function withoutPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

function normalise(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
