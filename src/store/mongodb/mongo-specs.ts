import type { AnyBulkWriteOperation, ClientSession, Collection, MongoClient, TransactionOptions } from 'mongodb';
import { WeftError } from '../../errors/index.ts';
import { describeSpec, type StoredSpec } from '../../spec/index.ts';
import type { PreparedSpec } from '../prepare-spec.ts';
import type { SpecFilter } from '../spec-store.ts';
import { writeSpecs, type SpecChange, type WriteMode } from '../write-specs.ts';
import { mongoStoreError } from './mongo-store-error.ts';
import { PrefetchedSpecs } from '../prefetched-specs.ts';
import { fromDocument, toDocument, type SpecDocument } from './spec-document.ts';
import { prefetchQuery, specQuery } from './spec-query.ts';

/** How often a call that hit a duplicate key is run before the duplicate is reported. */
const WRITE_ATTEMPTS = 3;

/**
 * Snapshot reads give the transaction one consistent view for the rules of `writeSpecs`; a
 * concurrent transaction that changes a document this one writes makes the server raise a
 * write conflict, and `withTransaction` runs the whole call again on a fresh snapshot. Majority
 * writes are what change streams deliver, so an acknowledged write is on its way to watchers.
 */
const TRANSACTION: TransactionOptions = { readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' }, readPreference: 'primary' };

/**
 * The spec collection of a MongoStore. Each write call is one multi-document transaction: read
 * every spec the call can look up (one query), apply the shared rules of `writeSpecs` to them in
 * memory, then write the changes with one ordered bulk write (whole-document inserts and
 * replacements, so each change event carries the exact spec). An update replaces the document
 * only while it still has the revision read, as the SpecTable contract asks.
 */
export class MongoSpecs {
  readonly #client: MongoClient;
  readonly #collection: Collection<SpecDocument>;

  constructor(options: { client: MongoClient; collection: Collection<SpecDocument> }) {
    this.#client = options.client;
    this.#collection = options.collection;
  }

  /**
   * The specs matching `filter`, in id order, read from the primary with the default (local)
   * read concern, whatever the URL's `readPreference`: a loader reads after its stream is ready,
   * and a lagging secondary could miss a change committed before the stream's start.
   */
  async find(filter: SpecFilter): Promise<StoredSpec[]> {
    try {
      const documents = await this.#collection.find(specQuery(filter), { sort: { _id: 1 }, readPreference: 'primary' }).toArray();
      return documents.map((document) => fromDocument(document));
    } catch (thrown) {
      throw mongoStoreError(thrown);
    }
  }

  /**
   * Writes the specs of one call in one transaction; returns what was stored, in input order.
   * A duplicate key means another writer committed a colliding spec after this transaction's
   * snapshot was taken: the call runs again (a few times) on a fresh snapshot, where the shared
   * rules see that spec and refuse or update as they should.
   */
  async write(mode: WriteMode, specs: readonly PreparedSpec[]): Promise<StoredSpec[]> {
    for (let attempt = 1; ; attempt++) {
      let written: StoredSpec[] = [];
      try {
        return await this.#transaction(async (session) => {
          const query = prefetchQuery(specs);
          const found = query === undefined ? [] : await this.#collection.find(query, { session }).toArray();
          const changes = writeSpecs(mode, specs, new PrefetchedSpecs(found.map((document) => fromDocument(document))));
          written = changes.map((change) => change.spec);
          if (changes.length > 0) await this.#apply(changes, session);
          return written;
        });
      } catch (thrown) {
        const error = mongoStoreError(thrown, written);
        const serverDuplicate = !(thrown instanceof WeftError) && (error.code === 'ERR_NAME_TAKEN' || error.code === 'ERR_ID_TAKEN');
        if (!serverDuplicate || attempt >= WRITE_ATTEMPTS) throw error;
      }
    }
  }

  /** Deletes the matching specs in one transaction; returns them as they were, in id order. */
  async delete(filter: SpecFilter): Promise<StoredSpec[]> {
    try {
      return await this.#transaction(async (session) => {
        const documents = await this.#collection.find(specQuery(filter), { session, sort: { _id: 1 } }).toArray();
        if (documents.length > 0) await this.#collection.deleteMany({ _id: { $in: documents.map((document) => document._id) } }, { session });
        return documents.map((document) => fromDocument(document));
      });
    } catch (thrown) {
      throw mongoStoreError(thrown);
    }
  }

  async #apply(changes: readonly SpecChange[], session: ClientSession): Promise<void> {
    const operations = changes.map((change): AnyBulkWriteOperation<SpecDocument> => {
      if (change.op === 'insert') return { insertOne: { document: toDocument(change.spec) } };
      const { _id, ...replacement } = toDocument(change.spec);
      return { replaceOne: { filter: { _id, revision: change.previous!.revision }, replacement } };
    });
    const result = await this.#collection.bulkWrite(operations, { session, ordered: true });
    const updates = changes.filter((change) => change.op === 'update');
    if (result.matchedCount !== updates.length) throw await this.#conflict(updates, session);
  }

  /** The error for an update whose stored revision moved under the transaction (names the first such spec). */
  async #conflict(updates: readonly SpecChange[], session: ClientSession): Promise<WeftError> {
    const ids = updates.map((change) => change.spec.id);
    const stored = new Map((await this.#collection.find({ _id: { $in: ids } }, { session }).toArray()).map((document) => [document._id, document]));
    const moved = updates.find((change) => stored.get(change.spec.id)?.revision !== change.spec.revision) ?? updates[0]!;
    const now = stored.get(moved.spec.id);
    if (now === undefined) return new WeftError('ERR_SPEC_NOT_FOUND', { spec: describeSpec(moved.spec) });
    return new WeftError('ERR_REVISION_CONFLICT', { spec: describeSpec(moved.spec), given: moved.previous!.revision, stored: now.revision });
  }

  async #transaction<T>(work: (session: ClientSession) => Promise<T>): Promise<T> {
    const session = this.#client.startSession();
    try {
      return await session.withTransaction(work, TRANSACTION);
    } finally {
      await session.endSession().catch(() => {});
    }
  }
}
