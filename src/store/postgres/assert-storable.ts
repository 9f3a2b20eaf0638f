import { WeftError } from '../../errors/index.ts';
import { describeSpec } from '../../spec/index.ts';
import type { PreparedSpec } from '../prepare-spec.ts';

/**
 * Refuses, with ERR_SPEC_INVALID naming the field, a spec PostgreSQL cannot store: JSONB and
 * text hold no NUL character (U+0000), in keys or in strings. `index` is its position in the call.
 */
export function assertStorable(spec: PreparedSpec, index: number): void {
  const path = nulPath(spec, '');
  if (path === undefined) return;
  const problem = { path, message: 'contains a NUL character (\\u0000), which PostgreSQL cannot store', code: 'ERR_SPEC_INVALID' };
  throw new WeftError('ERR_SPEC_INVALID', { spec: describeSpec(spec), problems: `${path || '(spec)'}: ${problem.message}` }, { details: { index, problems: [problem] } });
}

function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
    if (key.includes('\u0000')) return childPath;
    const found = nulPath(child, childPath);
    if (found !== undefined) return found;
  }
  return undefined;
}
