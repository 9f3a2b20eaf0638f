import type { Pool } from 'pg';
import { WeftError } from '../../errors/index.ts';
import type { PostgresNames } from './postgres-names.ts';
import type { Queryable } from './queryable.ts';
import { transaction } from './transaction.ts';

/** The version of the tables below, kept in the meta table (2 added the leases table, 3 the values table and `value` changes; older tables are upgraded in place). */
export const SCHEMA_VERSION = 3;

/**
 * The tables of one store. Specs are JSONB documents with their identity in columns: the
 * (namespace, name) constraint is checked per statement (DEFERRABLE INITIALLY IMMEDIATE), so a
 * call that swaps two names in one statement is valid; NULL names never collide. Text columns
 * use the "C" collation so `ORDER BY id` is the code-point order every store uses. The change
 * log numbers its rows itself (see PostgresChangeLog) and NOTIFYs once per insert statement,
 * with the highest seq as payload.
 */
function tables(names: PostgresNames): string {
  const { specs, changes, meta, leases, values, notifyFunction, prefix, channel } = names;
  return `
CREATE TABLE IF NOT EXISTS ${specs} (
  id text COLLATE "C" PRIMARY KEY,
  namespace text COLLATE "C" NOT NULL,
  name text COLLATE "C",
  kind text NOT NULL,
  revision integer NOT NULL,
  spec jsonb NOT NULL,
  CONSTRAINT "${prefix}_name" UNIQUE (namespace, name) DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX IF NOT EXISTS "${prefix}_namespace" ON ${specs} (namespace, id);
CREATE TABLE IF NOT EXISTS ${changes} (
  seq bigint PRIMARY KEY,
  op text NOT NULL,
  id text COLLATE "C" NOT NULL,
  namespace text COLLATE "C" NOT NULL,
  spec jsonb NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS "${prefix}_changes_namespace" ON ${changes} (namespace, seq);
ALTER TABLE ${changes} DROP CONSTRAINT IF EXISTS "${prefix}_changes_op_check";
ALTER TABLE ${changes} ADD CONSTRAINT "${prefix}_changes_op_check" CHECK (op IN ('insert', 'update', 'delete', 'value'));
CREATE TABLE IF NOT EXISTS ${meta} (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version integer NOT NULL,
  head bigint NOT NULL,
  pruned_through bigint NOT NULL
);
INSERT INTO ${meta} (version, head, pruned_through) VALUES (${SCHEMA_VERSION}, 0, 0) ON CONFLICT DO NOTHING;
UPDATE ${meta} SET version = ${SCHEMA_VERSION} WHERE version < ${SCHEMA_VERSION};
CREATE TABLE IF NOT EXISTS ${leases} (
  key text COLLATE "C" PRIMARY KEY,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL,
  data jsonb
);
CREATE TABLE IF NOT EXISTS ${values} (
  id text COLLATE "C" PRIMARY KEY,
  namespace text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  data text NOT NULL,
  secret boolean NOT NULL,
  revision integer NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT "${prefix}_values_name" UNIQUE (namespace, name)
);
CREATE OR REPLACE FUNCTION ${notifyFunction}() RETURNS trigger LANGUAGE plpgsql AS $weft$
BEGIN
  PERFORM pg_notify('${channel}', (SELECT max(seq) FROM added)::text);
  RETURN NULL;
END
$weft$;
DROP TRIGGER IF EXISTS "${prefix}_notify" ON ${changes};
CREATE TRIGGER "${prefix}_notify" AFTER INSERT ON ${changes}
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ${notifyFunction}();
`;
}

/**
 * Creates the store's schema and tables unless they exist at this version. Idempotent, and
 * safe when several engines start at once: the creation runs in one transaction under an
 * advisory lock named after the table. A store whose tables exist needs no CREATE privilege.
 * Tables made by a newer weft are refused with ERR_STORE_UNAVAILABLE.
 */
export async function ensureSchema(pool: Pool, names: PostgresNames): Promise<void> {
  if ((await storedVersion(pool, names)) === SCHEMA_VERSION) return;
  await transaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`weft schema ${names.specs}`]);
    const version = await storedVersion(client, names);
    if (version === SCHEMA_VERSION) return;
    const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [names.schemaName]);
    if (schema.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${names.schema}`);
    await client.query(tables(names));
  });
}

/** The schema version of the store's tables, or undefined when they do not exist yet (this never fails a transaction). */
async function storedVersion(db: Queryable, names: PostgresNames): Promise<number | undefined> {
  const table = await db.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [names.meta]);
  if (table.rows[0]?.present !== true) return undefined;
  const version = (await db.query<{ version: number }>(`SELECT version FROM ${names.meta}`)).rows[0]?.version;
  if (version !== undefined && version > SCHEMA_VERSION) {
    throw new WeftError('ERR_STORE_UNAVAILABLE', { reason: `the tables of ${names.specs} have schema version ${version}; this weft knows up to ${SCHEMA_VERSION}` });
  }
  return version;
}
