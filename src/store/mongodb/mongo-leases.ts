import type { Collection } from 'mongodb';
import { leaseOf } from '../lease/lease-of.ts';
import type { Lease } from '../spec-store.ts';
import { mongoStoreError } from './mongo-store-error.ts';

/** One lease document: `_id` is the key; `data` is the holder's JSON as text. */
interface LeaseDocument {
  _id: string;
  holder: string;
  expiresAt: Date;
  data?: string | null;
}

const DUPLICATE_KEY = 11000;

/**
 * The `<collection>_leases` collection. Taking a lease is one `findOneAndUpdate` with upsert
 * whose filter matches the key only when the lease is ours or expired: a lease held by another
 * does not match, so the upsert tries to insert the key again and fails on `_id` (11000), which
 * means "held". Expiry is the server's clock (`$$NOW` in an update pipeline).
 */
export class MongoLeases {
  readonly #collection: Collection<LeaseDocument>;

  constructor(options: { collection: Collection<LeaseDocument> }) {
    this.#collection = options.collection;
  }

  /** Takes or renews `key` for `holder` (see `LeaseStore.acquireLease`); `data` is JSON text. */
  async acquire(key: string, holder: string, ttlMs: number, data: string | undefined): Promise<Lease | null> {
    try {
      const document = await this.#collection.findOneAndUpdate(
        { _id: key, $expr: { $or: [{ $eq: ['$holder', holder] }, { $lte: ['$expiresAt', '$$NOW'] }] } },
        [{ $set: { holder: { $literal: holder }, expiresAt: { $add: ['$$NOW', ttlMs] }, data: data === undefined ? { $ifNull: ['$data', null] } : { $literal: data } } }],
        { upsert: true, returnDocument: 'after' },
      );
      return document === null ? null : leaseOf(key, { holder: document.holder, expiresAt: document.expiresAt.getTime(), data: document.data });
    } catch (thrown) {
      if ((thrown as { code?: unknown } | null)?.code === DUPLICATE_KEY) return null;
      throw mongoStoreError(thrown);
    }
  }

  /** Lets go of `key` if `holder` has it: it expires now, its data stays. */
  async release(key: string, holder: string): Promise<boolean> {
    try {
      const result = await this.#collection.updateOne(
        { _id: key, holder, $expr: { $gt: ['$expiresAt', '$$NOW'] } },
        { $set: { expiresAt: new Date(0) } },
      );
      return result.modifiedCount > 0;
    } catch (thrown) {
      throw mongoStoreError(thrown);
    }
  }
}

export type { LeaseDocument };
