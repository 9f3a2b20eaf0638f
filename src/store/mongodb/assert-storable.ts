import { WeftError } from '../../errors/index.ts';
import { describeSpec } from '../../spec/index.ts';
import type { PreparedSpec } from '../prepare-spec.ts';

/**
 * Refuses, with ERR_SPEC_INVALID naming the field, a spec MongoDB cannot store the same way on
 * insert and on update: BSON field names are NUL-terminated (no U+0000 in any key), and a
 * whole-document replacement may not have a top-level field whose name starts with `$` (an
 * insert would take it, so the spec could be created but never updated). `index` is its
 * position in the call.
 */
export function assertStorable(spec: PreparedSpec, index: number): void {
  const dollar = Object.keys(spec).find((key) => key.startsWith('$'));
  const found = dollar === undefined ? nulKeyPath(spec, '') : { path: dollar, message: 'is a top-level field name starting with $, which MongoDB cannot replace' };
  if (found === undefined) return;
  const problem = { ...found, code: 'ERR_SPEC_INVALID' };
  throw new WeftError('ERR_SPEC_INVALID', { spec: describeSpec(spec), problems: `${problem.path}: ${problem.message}` }, { details: { index, problems: [problem] } });
}

function nulKeyPath(value: unknown, path: string): { path: string; message: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
    if (key.includes('\u0000')) return { path: childPath, message: 'is a field name with a NUL character (\\u0000), which BSON cannot hold' };
    const found = nulKeyPath(child, childPath);
    if (found !== undefined) return found;
  }
  return undefined;
}
