import { WeftError } from '../errors/index.ts';
import type { Language } from './language.ts';

/**
 * Makes a language of constants (`json`, `yaml`): the code is parsed once at compile time (a
 * parse error is ERR_SNIPPET_COMPILE; `parse` may throw one itself) and every run returns that value, deep-frozen so that
 * no run can change what the next one sees.
 */
export function constantLanguage(name: string, parse: (code: string) => unknown): Language {
  return {
    name,
    compile(code) {
      let value: unknown;
      try {
        value = parse(code);
      } catch (thrown) {
        if (thrown instanceof WeftError && thrown.code === 'ERR_SNIPPET_COMPILE') throw thrown;
        const reason = thrown instanceof Error ? thrown.message : String(thrown);
        throw new WeftError('ERR_SNIPPET_COMPILE', { language: name, reason }, { cause: thrown });
      }
      const constant = deepFreeze(value);
      return { run: () => constant };
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
