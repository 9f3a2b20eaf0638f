import type { Collection, MongoClient } from 'mongodb';
import { newSpecId } from '../new-spec-id.ts';
import type { PreparedValue } from '../values/prepare-value.ts';
import type { StoredValue, ValueData, ValueFilter } from '../value-store.ts';
import { mongoStoreError } from './mongo-store-error.ts';

/** One value document: `_id` is the value id; `data` is its JSON as text (any key survives). */
export interface ValueDocument {
  _id: string;
  namespace: string;
  name: string;
  data: string;
  secret: boolean;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The `<collection>_values` collection of a MongoStore, unique by (namespace, name). A write
 * call is one transaction. Its changes do not reach the change feed yet (that needs a second
 * change stream): a running engine sees a value change at its next reload of the spec.
 */
export class MongoValues {
  readonly #client: MongoClient;
  readonly #collection: Collection<ValueDocument>;
  #indexed: Promise<unknown> | undefined;

  constructor(options: { client: MongoClient; collection: Collection<ValueDocument> }) {
    this.#client = options.client;
    this.#collection = options.collection;
  }

  /** The values matching `filter`, ordered by namespace and name. */
  async find(filter: ValueFilter): Promise<StoredValue[]> {
    try {
      const documents = await this.#collection.find(query(filter), { sort: { namespace: 1, name: 1 }, readPreference: 'primary' }).toArray();
      return documents.map(toValue);
    } catch (thrown) {
      throw mongoStoreError(thrown);
    }
  }

  /** Inserts or replaces each value by (namespace, name), in one transaction. */
  async put(values: readonly PreparedValue[]): Promise<StoredValue[]> {
    try {
      this.#indexed ??= this.#collection.createIndex({ namespace: 1, name: 1 }, { name: 'weft_values_name', unique: true });
      await this.#indexed;
      const session = this.#client.startSession();
      try {
        return await session.withTransaction(async () => {
          const stored: StoredValue[] = [];
          for (const value of values) {
            const now = new Date();
            const document = await this.#collection.findOneAndUpdate(
              { namespace: value.namespace, name: value.name },
              { $set: { data: value.json, secret: value.secret, updatedAt: now }, $inc: { revision: 1 }, $setOnInsert: { _id: newSpecId(), createdAt: now } },
              { upsert: true, returnDocument: 'after', session },
            );
            stored.push(toValue(document!));
          }
          return stored;
        }, { writeConcern: { w: 'majority' }, readPreference: 'primary' });
      } finally {
        await session.endSession();
      }
    } catch (thrown) {
      throw mongoStoreError(thrown);
    }
  }

  /** Deletes the matching values and returns them as they were. */
  async remove(filter: ValueFilter): Promise<StoredValue[]> {
    try {
      const found = await this.find(filter);
      if (found.length > 0) await this.#collection.deleteMany({ _id: { $in: found.map((value) => value.id) } });
      return found;
    } catch (thrown) {
      throw mongoStoreError(thrown);
    }
  }
}

function query(filter: ValueFilter): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (filter.namespace !== undefined) result.namespace = filter.namespace;
  if (filter.name !== undefined) result.name = typeof filter.name === 'string' ? filter.name : { $in: [...filter.name] };
  return result;
}

function toValue(document: ValueDocument): StoredValue {
  return { id: document._id, namespace: document.namespace, name: document.name, data: JSON.parse(document.data) as ValueData, secret: document.secret, revision: document.revision, createdAt: document.createdAt.toISOString(), updatedAt: document.updatedAt.toISOString() };
}
