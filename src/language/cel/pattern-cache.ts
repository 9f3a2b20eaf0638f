import { RE2JS } from 're2js';

/**
 * Patterns a language instance keeps compiled. Each compiled pattern may grow a lazy DFA of up to
 * about 8 MB (re2js's budget; measured here, ~6.5 MB for a pattern that explodes it), so the
 * cache stays small: 16 patterns bound it to ~100 MB even when every entry is hostile.
 */
export const PATTERN_CACHE_SIZE = 16;

/**
 * A bounded least-recently-used cache of RE2 patterns taken from payloads (`s.matches(self.p)`):
 * a pattern compiles once while it stays among the last `capacity` used. An invalid pattern is
 * kept as its error message, so repeating it does not recompile it either.
 */
export class PatternCache {
  readonly #capacity: number;
  readonly #entries = new Map<string, RE2JS | string>();

  constructor(capacity = PATTERN_CACHE_SIZE) {
    this.#capacity = capacity;
  }

  /** The compiled `pattern`, or the syntax error's message when it is not valid RE2. */
  get(pattern: string): RE2JS | string {
    const entries = this.#entries;
    let entry = entries.get(pattern);
    if (entry !== undefined) {
      entries.delete(pattern);
    } else {
      entry = compilePattern(pattern);
      if (entries.size >= this.#capacity) entries.delete(entries.keys().next().value!);
    }
    entries.set(pattern, entry);
    return entry;
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Compiles an RE2 pattern with no flags (CEL's `matches`), or gives the syntax error's message. */
export function compilePattern(pattern: string): RE2JS | string {
  try {
    return RE2JS.compile(pattern);
  } catch (thrown) {
    return thrown instanceof Error ? thrown.message.replace(/^error parsing regexp: /, '') : String(thrown);
  }
}
