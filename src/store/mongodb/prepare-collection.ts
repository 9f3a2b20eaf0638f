import type { Collection, Db } from 'mongodb';
import { WeftError } from '../../errors/index.ts';
import { mongoStoreError, NAME_INDEX } from './mongo-store-error.ts';
import type { SpecDocument } from './spec-document.ts';

const NAMESPACE_EXISTS = 48;
const UNAUTHORIZED = 13;
const INDEX_CONFLICTS: ReadonlySet<number> = new Set([85, 86]);

/**
 * Makes the spec collection ready, idempotently and safely when several engines start at once:
 * creates it with change-stream pre-images enabled (or enables them on an existing one, which
 * needs the `collMod` privilege once), and creates its indexes: the unique (namespace, name)
 * index over named specs only (`partialFilterExpression`, so unnamed specs never collide), and
 * (namespace, _id) for the namespace reads in id order. Throws ERR_STORE_UNSUITABLE when the
 * collection is a view, the user lacks the rights, or an index of the same name differs.
 */
export async function prepareCollection(db: Db, name: string, url: string): Promise<Collection<SpecDocument>> {
  const unsuitable = (reason: string, cause?: unknown) => new WeftError('ERR_STORE_UNSUITABLE', { url, reason }, { cause });
  const refused = (thrown: unknown, what: string): WeftError => {
    const code = (thrown as { code?: unknown } | null)?.code;
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    if (code === UNAUTHORIZED) return unsuitable(`the user may not ${what} (${message})`, thrown);
    if (typeof code === 'number' && INDEX_CONFLICTS.has(code)) return unsuitable(`${what} conflicts with an existing index (${message})`, thrown);
    return mongoStoreError(thrown);
  };
  const enablePreImages = async (): Promise<void> => {
    try {
      await db.command({ collMod: name, changeStreamPreAndPostImages: { enabled: true } });
    } catch (thrown) {
      throw refused(thrown, `enable change-stream pre-images on collection ${name} (collMod)`);
    }
  };

  let info;
  try {
    [info] = await db.listCollections({ name }, { nameOnly: false }).toArray();
  } catch (thrown) {
    throw refused(thrown, `list the collections of database ${db.databaseName}`);
  }
  if (info?.type === 'view') throw unsuitable(`${db.databaseName}.${name} is a view, not a collection`);
  if (info === undefined) {
    try {
      await db.createCollection(name, { changeStreamPreAndPostImages: { enabled: true } });
    } catch (thrown) {
      if ((thrown as { code?: unknown } | null)?.code !== NAMESPACE_EXISTS) throw refused(thrown, `create collection ${name}`);
      await enablePreImages();
    }
  } else if ((info.options as { changeStreamPreAndPostImages?: { enabled?: unknown } } | undefined)?.changeStreamPreAndPostImages?.enabled !== true) {
    await enablePreImages();
  }

  const collection = db.collection<SpecDocument>(name);
  try {
    await collection.createIndexes([
      { key: { namespace: 1, name: 1 }, name: NAME_INDEX, unique: true, partialFilterExpression: { name: { $type: 'string' } } },
      { key: { namespace: 1, _id: 1 }, name: 'weft_namespace_id' },
    ]);
  } catch (thrown) {
    throw refused(thrown, `create the indexes ${NAME_INDEX} and weft_namespace_id`);
  }
  return collection;
}
