import { WeftError } from '../errors/index.ts';
import type { CompileOptions, Language, Program } from './language.ts';

/** The languages a runtime offers, by name; an instance per runtime, never a global. */
export class LanguageRegistry {
  readonly #languages = new Map<string, Language>();

  constructor(languages: readonly Language[] = []) {
    for (const language of languages) this.#languages.set(language.name, language);
  }

  get names(): string[] {
    return [...this.#languages.keys()];
  }

  has(name: string): boolean {
    return this.#languages.has(name);
  }

  /** The language called `name`; ERR_LANGUAGE_UNKNOWN when there is none. */
  get(name: string): Language {
    const language = this.#languages.get(name);
    if (language === undefined) {
      throw new WeftError('ERR_LANGUAGE_UNKNOWN', { language: name, known: this.names.join(', ') });
    }
    return language;
  }

  compile(name: string, code: string, options?: CompileOptions): Program | Promise<Program> {
    return this.get(name).compile(code, options);
  }
}
