/**
 * Where a language reports what happens to a program outside its calls (a sandbox process that
 * crashed or was killed, an isolate disposed for its memory): one line per event. weft's Logger
 * (pino's calling convention) fits it.
 */
export interface LanguageLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Limits a language may apply to one compiled program, and how to name it in reports. */
export interface CompileOptions {
  /** Per-call time limit in milliseconds. */
  readonly timeoutMs?: number;
  /** Heap limit in MiB, for sandboxed languages. */
  readonly memoryMb?: number;
  /** What the program belongs to, for log lines and errors (a node's name, `name#field`). */
  readonly label?: string;
  /** Where to report events about the program (the codec's logger); none: they are not reported. */
  readonly logger?: LanguageLogger;
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
