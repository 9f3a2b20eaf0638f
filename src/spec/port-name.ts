import { WeftError } from '../errors/index.ts';

/** A parsed port name: `out` → {base: 'out'}, `out[2]` → {base: 'out', index: 2}. */
export interface PortName {
  readonly base: string;
  readonly index?: number;
}

const PATTERN = /^([A-Za-z_][\w-]*)(?:\[(\d+)\])?$/;

/** Parses a port name (`in`, `out`, `error`, `io`, `out[0]`…), throwing ERR_PORT_NAME_INVALID. */
export function parsePortName(name: string): PortName {
  const match = PATTERN.exec(name);
  if (match === null) throw new WeftError('ERR_PORT_NAME_INVALID', { port: name });
  return match[2] === undefined ? { base: match[1]! } : { base: match[1]!, index: Number(match[2]) };
}

/** True when `name` is a well-formed port name. */
export function isPortName(name: string): boolean {
  return PATTERN.test(name);
}

/** Formats an indexed port name: `indexedPort('out', 1)` → `out[1]`. */
export function indexedPort(base: string, index: number): string {
  return `${base}[${index}]`;
}
