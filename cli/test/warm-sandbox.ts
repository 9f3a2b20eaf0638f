import type { Program, SnippetSandbox, SnippetSource } from '../../src/index.ts';

/**
 * A snippet sandbox kept warm for a whole `weft test` run: a process sandbox stops its child
 * processes when its last program closes, which each case's runtime does, so every case would
 * start them again (about a second each). At the first compile this one also compiles a
 * program it holds until `close`, so the children live as long as the run.
 */
export class WarmSandbox implements SnippetSandbox {
  readonly #inner: SnippetSandbox;
  #held: Promise<Program | undefined> | undefined;

  constructor(inner: SnippetSandbox) {
    this.#inner = inner;
  }

  get isolation(): SnippetSandbox['isolation'] {
    return this.#inner.isolation;
  }

  get processIds(): readonly number[] {
    return this.#inner.processIds;
  }

  compile(source: SnippetSource): Program | Promise<Program> {
    this.#held ??= Promise.resolve(this.#inner.compile({ ...source, language: 'javascript', code: 'export default () => null', label: 'weft test (keeps the sandbox warm)' }))
      .catch(() => undefined);
    return this.#inner.compile(source);
  }

  health(): ReturnType<NonNullable<SnippetSandbox['health']>> {
    return this.#inner.health?.() ?? { ok: true };
  }

  async close(): Promise<void> {
    const held = await this.#held;
    await held?.close?.();
    await this.#inner.close();
  }
}
