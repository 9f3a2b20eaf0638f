const INDEXED = /^([A-Za-z_][\w-]*)\[(\d+)\]$/;

/**
 * Resolves a port name against an indexed family (`out[N]`): returns N for `base[N]`, 0 for the
 * bare `base`, and undefined for anything else.
 */
export function indexOfPort(name: string, base: string): number | undefined {
  if (name === base) return 0;
  const match = INDEXED.exec(name);
  return match !== null && match[1] === base ? Number(match[2]) : undefined;
}
