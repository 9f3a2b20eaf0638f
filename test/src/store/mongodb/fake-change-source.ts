import type { ChangeCursor, ChangeSource, RawChange } from '../../../../src/store/mongodb/change-source.ts';

type Step = RawChange | { readonly empty: unknown } | { readonly error: unknown } | 'end';

/**
 * A scripted ChangeCursor: the test feeds it changes, empty batches, errors or an end. Changes
 * queued one after another form one server batch (`buffered` counts those still to read), ended
 * by an empty batch, an error, an end, or the queue running dry.
 */
export class FakeCursor implements ChangeCursor {
  resumeToken: unknown;
  ended = false;
  closed = false;
  readonly #steps: Step[] = [];
  #waiting: (() => void) | undefined;

  constructor(resumeToken: unknown) {
    this.resumeToken = resumeToken;
  }

  /** Delivers a change (the cursor's token moves to it). */
  change(change: RawChange): this {
    return this.#add(change);
  }

  /** Delivers an empty batch whose post-batch token is `token`. */
  empty(token: unknown): this {
    return this.#add({ empty: token });
  }

  /** Makes the next read fail with `error`. */
  fail(error: unknown): this {
    return this.#add({ error });
  }

  /** Makes the server end the cursor without an error. */
  end(): this {
    return this.#add('end');
  }

  get buffered(): number {
    const boundary = this.#steps.findIndex((step) => step === 'end' || 'empty' in step || 'error' in step);
    return boundary === -1 ? this.#steps.length : boundary;
  }

  async next(): Promise<RawChange | undefined> {
    while (this.#steps.length === 0) {
      if (this.closed) return undefined;
      await new Promise<void>((resolve) => (this.#waiting = resolve));
    }
    const step = this.#steps.shift()!;
    if (step === 'end') {
      this.ended = true;
      return undefined;
    }
    if ('error' in step) throw step.error;
    if ('empty' in step) {
      this.resumeToken = step.empty;
      return undefined;
    }
    this.resumeToken = step._id;
    return step;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.#wake();
  }

  #add(step: Step): this {
    this.#steps.push(step);
    this.#wake();
    return this;
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }
}

/**
 * A scripted ChangeSource: each `open` takes the next planned outcome (a cursor, or an error to
 * reject with) and records the options it was called with. With no plan left, `open` waits
 * until the test plans one, as a server that is down but comes back would.
 */
export class FakeChangeSource implements ChangeSource {
  readonly opens: { readonly startAfter?: unknown }[] = [];
  readonly cursors: FakeCursor[] = [];
  readonly #plans: (FakeCursor | { readonly error: unknown })[] = [];
  #waiting: (() => void) | undefined;

  /** Plans the next `open` to succeed with a cursor whose first position is `token`. */
  accept(token: unknown): FakeCursor {
    const cursor = new FakeCursor(token);
    this.#plans.push(cursor);
    this.#waiting?.();
    return cursor;
  }

  /** Plans the next `open` to fail with `error`. */
  refuse(error: unknown): this {
    this.#plans.push({ error });
    this.#waiting?.();
    return this;
  }

  async open(options: { readonly startAfter?: unknown }): Promise<ChangeCursor> {
    this.opens.push(options);
    while (this.#plans.length === 0) await new Promise<void>((resolve) => (this.#waiting = resolve));
    const plan = this.#plans.shift()!;
    if (!(plan instanceof FakeCursor)) throw plan.error;
    this.cursors.push(plan);
    return plan;
  }
}

/** A raw change event of `operationType` for a spec document (`_id` = the spec id). */
export function rawChange(operationType: string, token: string, fields: { document?: Record<string, unknown>; before?: Record<string, unknown>; id?: string } = {}): RawChange {
  const id = fields.id ?? fields.document?._id ?? fields.before?._id;
  const change: Record<string, unknown> = { _id: { _data: token }, operationType, documentKey: { _id: id } };
  if (fields.document !== undefined) change.fullDocument = fields.document;
  if (fields.before !== undefined) change.fullDocumentBeforeChange = fields.before;
  return change as unknown as RawChange;
}
