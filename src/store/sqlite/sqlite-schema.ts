import type { DatabaseSync } from 'node:sqlite';
import { WeftError } from '../../errors/index.ts';
import { transaction } from './transaction.ts';

/** The version of the tables below, kept in `PRAGMA user_version` (2 added weft_leases, 3 weft_values; an older file is upgraded in place). */
export const SCHEMA_VERSION = 3;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS weft_specs (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  name TEXT,
  kind TEXT NOT NULL,
  revision INTEGER NOT NULL,
  document TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS weft_specs_name ON weft_specs (namespace, name) WHERE name IS NOT NULL;
CREATE INDEX IF NOT EXISTS weft_specs_namespace ON weft_specs (namespace, id);
CREATE TABLE IF NOT EXISTS weft_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  op TEXT NOT NULL,
  id TEXT NOT NULL,
  namespace TEXT NOT NULL,
  document TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS weft_changes_namespace ON weft_changes (namespace, seq);
CREATE TABLE IF NOT EXISTS weft_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO weft_meta (key, value) VALUES ('pruned_through', 0);
CREATE TABLE IF NOT EXISTS weft_leases (
  key TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  data TEXT
);
CREATE TABLE IF NOT EXISTS weft_values (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  data TEXT NOT NULL,
  secret INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (namespace, name)
);
`;

/**
 * Creates weft's tables unless they exist. Idempotent, and safe when several processes open
 * the same new file at once: the creation runs under the write lock and every statement is
 * `IF NOT EXISTS`. A file made by a newer weft is refused with ERR_STORE_UNAVAILABLE.
 */
export function ensureSchema(db: DatabaseSync): void {
  const version = userVersion(db);
  if (version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION) {
    throw new WeftError('ERR_STORE_UNAVAILABLE', { reason: `the database has schema version ${version}; this weft knows up to ${SCHEMA_VERSION}` });
  }
  transaction(db, 'immediate', () => {
    db.exec(SCHEMA);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  });
}

function userVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}
