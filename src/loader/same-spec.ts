import { isDeepStrictEqual } from 'node:util';
import type { Spec } from '../spec/index.ts';

/** True when two specs describe the same node (the revision is ignored). */
export function sameSpec(a: Spec, b: Spec): boolean {
  const { revision: _a, ...left } = a;
  const { revision: _b, ...right } = b;
  return isDeepStrictEqual(left, right);
}
