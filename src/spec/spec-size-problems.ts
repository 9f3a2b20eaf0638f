import { SPEC_LIMITS, type SpecLimits } from './spec-limits.ts';

/** A spec over a size limit: where (a path such as `annotations` or `env.a[3]`) and which limit. */
export interface SizeProblem {
  readonly path: string;
  readonly message: string;
  readonly code: 'ERR_SPEC_TOO_LARGE';
}

/** One value met by the walk, with the way back to the spec (paths are only built for problems). */
interface Frame {
  readonly value: unknown;
  readonly parent: Frame | undefined;
  readonly key: string | number;
  readonly depth: number;
}

/** Problems past this many are not looked for: the first ones say enough. */
const MAX_PROBLEMS = 10;

/**
 * The size limits a value breaks, in the order met (empty when within them). One linear walk
 * that never recurses and stops early: a list past `maxEntries` or a level past `maxDepth` is
 * not entered (a cyclic object ends there too), and the walk ends once the bytes counted pass
 * `maxBytes` (then the top-level field being walked is named). Within the limits the exact
 * JSON size is measured last.
 */
export function specSizeProblems(spec: unknown, limits: SpecLimits = SPEC_LIMITS): SizeProblem[] {
  const problems: SizeProblem[] = [];
  const stack: Frame[] = [{ value: spec, parent: undefined, key: '', depth: 0 }];
  let bytes = 0;
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const frame = stack.pop()!;
    bytes += frame.parent === undefined || typeof frame.key === 'number' ? 1 : byteLength(frame.key) + 4;
    const { value } = frame;
    if (typeof value === 'string') bytes += byteLength(value);
    else if (typeof value === 'number' || typeof value === 'boolean') bytes += 5;
    else if (ArrayBuffer.isView(value)) bytes += value.byteLength;
    else if (typeof value === 'object' && value !== null) {
      const keys = Array.isArray(value) ? undefined : Object.keys(value);
      const count = keys === undefined ? (value as unknown[]).length : keys.length;
      if (frame.depth > limits.maxDepth) {
        problems.push(problem(frame, `is nested deeper than ${limits.maxDepth} levels of maps and lists`));
        continue;
      }
      if (count > limits.maxEntries) {
        problems.push(problem(frame, `has ${count} entries, more than the ${limits.maxEntries} one map or list may hold`));
        continue;
      }
      const depth = frame.depth + 1;
      // Pushed in reverse, popped in field order.
      for (let index = count - 1; index >= 0; index--) {
        const key = keys === undefined ? index : keys[index]!;
        stack.push({ value: (value as Record<string | number, unknown>)[key], parent: frame, key, depth });
      }
    }
    if (bytes > limits.maxBytes) {
      problems.push(problem(topField(frame), `makes the spec larger than ${limits.maxBytes} bytes of JSON, the limit for one spec`));
      return problems;
    }
  }
  if (problems.length > 0) return problems;
  const exact = exactBytes(spec);
  if (exact > limits.maxBytes) problems.push({ path: '', message: `is ${exact} bytes of JSON, more than the ${limits.maxBytes} one spec may hold`, code: 'ERR_SPEC_TOO_LARGE' });
  return problems;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The JSON size of a value that passed the walk (0 when it is not JSON data: that is the caller's to refuse). */
function exactBytes(value: unknown): number {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? 0 : byteLength(text);
  } catch {
    return 0;
  }
}

function problem(frame: Frame, message: string): SizeProblem {
  return { path: pathOf(frame), message, code: 'ERR_SPEC_TOO_LARGE' };
}

/** The frame of the top-level field a frame lies in (the spec's own frame when it is the spec). */
function topField(frame: Frame): Frame {
  let current = frame;
  while (current.parent?.parent !== undefined) current = current.parent;
  return current;
}

/** The path users read: `annotations`, `links.out[0]`, `env["a b"]`. */
function pathOf(frame: Frame): string {
  const keys: (string | number)[] = [];
  for (let current: Frame | undefined = frame; current?.parent !== undefined; current = current.parent) keys.push(current.key);
  let path = '';
  for (const key of keys.reverse()) {
    if (typeof key === 'number') path += `[${key}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(key)) path += path === '' ? key : `.${key}`;
    else path += `[${JSON.stringify(key)}]`;
  }
  return path;
}
