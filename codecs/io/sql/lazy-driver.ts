import type { Isolation, SqlDriver, Transaction } from './driver.ts';
import type { Dialect } from './placeholders.ts';

/**
 * A driver whose client library loads on first use: a spec naming postgres or mysql costs no
 * memory until its first transaction, and an engine without such specs never loads pg or
 * mysql2. Close before first use loads nothing.
 */
export class LazyDriver implements SqlDriver {
  readonly dialect: Dialect;
  readonly #load: () => Promise<SqlDriver>;
  #driver: Promise<SqlDriver> | undefined;
  #closed = false;

  constructor(dialect: Dialect, load: () => Promise<SqlDriver>) {
    this.dialect = dialect;
    this.#load = load;
  }

  async begin(isolation: Isolation, signal: AbortSignal): Promise<Transaction> {
    if (this.#closed && this.#driver === undefined) throw new Error('the sql node closed');
    this.#driver ??= this.#load();
    return (await this.#driver).begin(isolation, signal);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#driver !== undefined) await (await this.#driver.catch(() => undefined))?.close();
  }
}
