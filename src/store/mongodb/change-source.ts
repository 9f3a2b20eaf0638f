import type { ResumeToken } from './resume-token.ts';

/** A change-stream event as MongoDB sends it: the fields weft reads. */
export interface RawChange {
  /** The event's resume token. */
  readonly _id: ResumeToken;
  readonly operationType: string;
  readonly documentKey?: { readonly _id?: unknown };
  /** The document after an insert or replace; after an update with `updateLookup` (null once deleted). */
  readonly fullDocument?: Readonly<Record<string, unknown>> | null;
  /** The document before an update, replace or delete (change-stream pre-images). */
  readonly fullDocumentBeforeChange?: Readonly<Record<string, unknown>> | null;
}

/** One open server-side change stream. */
export interface ChangeCursor {
  /**
   * The next change, or undefined when a batch came back empty (the server waited a while and
   * saw nothing). Rejects with the driver's error when the stream broke and the driver's own
   * resume attempt did not help.
   */
  next(): Promise<RawChange | undefined>;
  /**
   * How many changes of the current server batch `next` still returns without asking the
   * server; 0 after a change means the changes read so far end a batch. A transaction's events
   * (one oplog entry) normally come in one batch.
   */
  readonly buffered: number;
  /** The position after the last change or empty batch returned (the post-batch resume token). */
  readonly resumeToken: ResumeToken | undefined;
  /** True once the server closed the cursor without an error: `next` will bring nothing more. */
  readonly ended: boolean;
  /** Closes the cursor (idempotent); a pending `next` may settle either way afterwards. */
  close(): Promise<void>;
}

/**
 * Where a ResumingChangeStream opens its cursors: the MongoDB driver (`collection.watch`) in
 * production, a scripted fake in tests. `open` resolves once the server has accepted the stream,
 * i.e. its start position is fixed: a change committed after that is delivered by the cursor.
 */
export interface ChangeSource {
  /** Opens a cursor from now, or after the position `startAfter` (which may be an invalidate's). */
  open(options: { readonly startAfter?: ResumeToken }): Promise<ChangeCursor>;
}
