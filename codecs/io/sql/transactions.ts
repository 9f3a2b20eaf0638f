import type { Logger, Process } from '../../../src/index.ts';
import type { Isolation, SqlDriver, Transaction } from './driver.ts';

/**
 * The open transactions of one `sql` node, one per process (uniflow §9.5): begun on the
 * process's first statement, committed by an exit hook when the process ends without an error
 * and rolled back when it ends with one (an HTTP reply of 400–599 included: the listener ends
 * the process with an error then). The process's own statements share its transaction.
 */
export class Transactions {
  readonly #driver: SqlDriver;
  readonly #isolation: Isolation;
  readonly #logger: Logger;
  readonly #open = new Map<Process, Promise<Transaction>>();

  constructor(driver: SqlDriver, isolation: Isolation, logger: Logger) {
    this.#driver = driver;
    this.#isolation = isolation;
    this.#logger = logger;
  }

  /** The process's transaction, begun now when it has none; rejects when it cannot begin. */
  of(process: Process): Promise<Transaction> {
    const open = this.#open.get(process);
    if (open !== undefined) return open;
    const begun = this.#driver.begin(this.#isolation, process.signal);
    this.#open.set(process, begun);
    begun.then(
      () => process.onExit((error) => this.#end(process, begun, error)),
      () => this.#open.delete(process), // the next statement tries again
    );
    return begun;
  }

  /** Rolls back what is still open (processes that outlived the drain deadline), then closes the driver. */
  async close(): Promise<void> {
    const open = [...this.#open.entries()];
    this.#open.clear();
    for (const [, begun] of open) {
      const transaction = await begun.catch(() => undefined);
      if (transaction === undefined) continue;
      await this.#finish(transaction, new Error('the sql node closed'));
    }
    await this.#driver.close();
  }

  async #end(process: Process, begun: Promise<Transaction>, error: Error | undefined): Promise<void> {
    if (this.#open.get(process) !== begun) return; // already rolled back by close
    this.#open.delete(process);
    await this.#finish(await begun, error);
  }

  async #finish(transaction: Transaction, error: Error | undefined): Promise<void> {
    let broken = false;
    try {
      if (error === undefined) await transaction.commit();
      else await transaction.rollback();
    } catch (thrown) {
      broken = true;
      if (error === undefined) {
        this.#logger.error({ err: thrown }, 'sql commit failed: the process\'s writes are lost');
        await transaction.rollback().catch(() => undefined);
      } else {
        this.#logger.warn({ err: thrown }, 'sql rollback failed; the connection is dropped');
      }
    } finally {
      transaction.release(broken);
    }
  }
}
