import type { ChangeStream as DriverChangeStream, ChangeStreamOptions, Collection, Document } from 'mongodb';
import type { ChangeCursor, ChangeSource, RawChange } from './change-source.ts';
import type { ResumeToken } from './resume-token.ts';
import type { SpecDocument } from './spec-document.ts';

/** Operation types that end or reset a collection's history; they must pass the namespace filter. */
const COLLECTION_EVENTS = ['drop', 'rename', 'dropDatabase', 'invalidate'];

/**
 * The ChangeSource of a MongoStore: `collection.watch` with
 * - `fullDocument: 'updateLookup'`: an update made by another tool carries the spec after it
 *   (weft itself writes whole replacements, whose events always carry the new document);
 * - `fullDocumentBeforeChange: 'required'`: a delete carries the spec as it was, so it can be
 *   matched by namespace and handed to the reader; when a pre-image is missing the server fails
 *   the stream (code 51770) instead of dropping the delete silently, and the stream resets;
 * - a `$match` on the namespace of the document after or before the change. Both are fixed per
 *   event (namespaces never change), so resuming with the same filter always finds the event
 *   of its token again; name and kind are filtered on the client for the same reason.
 */
export class DriverChangeSource implements ChangeSource {
  readonly #collection: Collection<SpecDocument>;
  readonly #pipeline: Document[];
  readonly #maxAwaitTimeMS: number;

  constructor(options: { collection: Collection<SpecDocument>; namespace?: string; maxAwaitTimeMS?: number }) {
    this.#collection = options.collection;
    this.#maxAwaitTimeMS = options.maxAwaitTimeMS ?? 1000;
    const { namespace } = options;
    this.#pipeline = namespace === undefined ? [] : [{
      $match: {
        $or: [
          { 'fullDocument.namespace': namespace },
          { 'fullDocumentBeforeChange.namespace': namespace },
          { operationType: { $in: COLLECTION_EVENTS } },
        ],
      },
    }];
  }

  /**
   * Sends the stream's `aggregate` and resolves when the server has answered it: the driver
   * reports the first post-batch resume token as soon as the (empty) first batch arrives, or
   * the first change comes back at once. From then on, no committed change is missed.
   */
  async open(options: { readonly startAfter?: ResumeToken }): Promise<ChangeCursor> {
    const watchOptions: ChangeStreamOptions = {
      fullDocument: 'updateLookup',
      fullDocumentBeforeChange: 'required',
      maxAwaitTimeMS: this.#maxAwaitTimeMS,
    };
    if (options.startAfter !== undefined) watchOptions.startAfter = options.startAfter;
    const stream = this.#collection.watch(this.#pipeline, watchOptions);
    let accepted: () => void = () => {};
    const opened = new Promise<void>((resolve) => (accepted = resolve));
    stream.once('resumeTokenChanged', accepted);
    const first = stream.tryNext();
    first.catch(() => {});
    try {
      await Promise.race([opened, first]);
    } catch (thrown) {
      await stream.close().catch(() => {});
      throw thrown;
    } finally {
      stream.off('resumeTokenChanged', accepted);
    }
    return new DriverCursor(stream, first);
  }
}

/** A ChangeCursor over the driver's ChangeStream, iterated with `tryNext` (empty batches return). */
class DriverCursor implements ChangeCursor {
  readonly #stream: DriverChangeStream<SpecDocument>;
  #first: Promise<unknown> | undefined;

  constructor(stream: DriverChangeStream<SpecDocument>, first: Promise<unknown>) {
    this.#stream = stream;
    this.#first = first;
  }

  get resumeToken(): ResumeToken | undefined {
    return this.#stream.resumeToken ?? undefined;
  }

  get ended(): boolean {
    return this.#stream.closed;
  }

  get buffered(): number {
    return this.#stream.bufferedCount();
  }

  async next(): Promise<RawChange | undefined> {
    const pending = this.#first ?? this.#stream.tryNext();
    this.#first = undefined;
    const change = await pending;
    return change === null ? undefined : (change as RawChange);
  }

  async close(): Promise<void> {
    await this.#stream.close();
  }
}
