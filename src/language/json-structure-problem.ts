/** A duplicate key or a nesting past the limit found in JSON text, with its offset. */
export interface JsonStructureProblem {
  readonly reason: string;
  readonly offset: number;
}

/**
 * Scans JSON text that JSON.parse accepted for what JSON.parse lets pass and YAML refuses: a key
 * given twice in one object (JSON.parse keeps the last silently), and objects and arrays
 * nested deeper than `maxDepth`. One pass, no recursion; undefined when there is neither.
 */
export function jsonStructureProblem(text: string, maxDepth: number): JsonStructureProblem | undefined {
  const stack: { keys?: Set<string>; expectKey: boolean }[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === QUOTE) {
      const start = index;
      let escaped = false;
      for (index++; index < text.length; index++) {
        const inner = text.charCodeAt(index);
        if (inner === BACKSLASH) {
          escaped = true;
          index++;
        } else if (inner === QUOTE) break;
      }
      const top = stack.at(-1);
      if (top?.keys !== undefined && top.expectKey) {
        const raw = text.slice(start, index + 1);
        const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.keys.has(key)) return { reason: `duplicate key ${JSON.stringify(key)} in a map`, offset: start };
        top.keys.add(key);
        top.expectKey = false;
      }
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      if (stack.length >= maxDepth) return { reason: `maps and lists nested deeper than ${maxDepth} levels`, offset: index };
      stack.push(char === OPEN_BRACE ? { keys: new Set(), expectKey: true } : { expectKey: false });
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      stack.pop();
    } else if (char === COMMA) {
      const top = stack.at(-1);
      if (top?.keys !== undefined) top.expectKey = true;
    }
  }
  return undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
