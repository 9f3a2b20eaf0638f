/** Limits a language may apply to one compiled program. */
export interface CompileOptions {
  /** Per-call time limit in milliseconds. */
  readonly timeoutMs?: number;
  /** Heap limit in MiB, for sandboxed languages. */
  readonly memoryMb?: number;
}

/**
 * A compiled snippet or expression. `run` takes the payload and returns the result (a plain JS
 * value, or a promise of one); it throws (or rejects) for a failed run. Must not keep state
 * from one call that another call can observe unless the language says so.
 */
export interface Program {
  run(input: unknown): unknown;
  close?(): void | Promise<void>;
}

/**
 * A language of snippets and conditions (`text`, `json`, `yaml`, later `cel`, `javascript`…).
 * `compile` is called once per spec and must throw ERR_SNIPPET_COMPILE for code that does not
 * compile, so a bad spec fails at load time rather than per packet.
 */
export interface Language {
  readonly name: string;
  compile(code: string, options?: CompileOptions): Program | Promise<Program>;
}
