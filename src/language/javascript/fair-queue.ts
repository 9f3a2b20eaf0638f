import type { SandboxCall } from './sandbox-call.ts';

/**
 * The calls of the process sandbox waiting for a child, one FIFO per snippet, served round
 * robin across snippets: a snippet with thousands of calls waiting delays another snippet's
 * call by one turn, not by its whole backlog. `next` skips snippets the caller cannot serve
 * now (one that already holds a child with a long call).
 */
export class FairQueue {
  readonly #queues = new Map<number, SandboxCall[]>();
  /** Snippets with calls waiting, in turn order; `#turn` is the next to serve. */
  #order: number[] = [];
  #turn = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(call: SandboxCall): void {
    let queue = this.#queues.get(call.snippet);
    if (queue === undefined) {
      queue = [];
      this.#queues.set(call.snippet, queue);
      this.#order.push(call.snippet);
    }
    queue.push(call);
    this.#size++;
  }

  /** Puts a call back at the front of its snippet's queue (a retry keeps its place). */
  unshift(call: SandboxCall): void {
    this.push(call);
    const queue = this.#queues.get(call.snippet)!;
    queue.unshift(queue.pop()!);
  }

  /** The next call, in turn, of a snippet `eligible` accepts; undefined when there is none. */
  next(eligible: (snippet: number) => boolean): SandboxCall | undefined {
    const order = this.#order;
    for (let tried = 0; tried < order.length; tried++) {
      if (this.#turn >= order.length) this.#turn = 0;
      const snippet = order[this.#turn]!;
      if (!eligible(snippet)) {
        this.#turn++;
        continue;
      }
      const queue = this.#queues.get(snippet)!;
      const call = queue.shift()!;
      this.#size--;
      if (queue.length === 0) {
        this.#queues.delete(snippet);
        order.splice(this.#turn, 1);
      } else {
        this.#turn++;
      }
      return call;
    }
    return undefined;
  }

  /** Removes and returns every call for which `expired` is true (and drops settled ones, returned too). */
  take(expired: (call: SandboxCall) => boolean): SandboxCall[] {
    const taken: SandboxCall[] = [];
    for (const [snippet, queue] of this.#queues) {
      const kept: SandboxCall[] = [];
      for (const call of queue) (call.settled || expired(call) ? taken : kept).push(call);
      this.#size -= queue.length - kept.length;
      if (kept.length > 0) this.#queues.set(snippet, kept);
      else this.#queues.delete(snippet);
    }
    this.#order = this.#order.filter((snippet) => this.#queues.has(snippet));
    return taken;
  }
}
