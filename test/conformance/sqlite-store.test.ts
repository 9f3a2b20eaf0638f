import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SqliteStore } from '../../src/index.ts';
import { describeSpecStore } from './spec-store.conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'weft-sqlite-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeSpecStore('sqlite', async () => new SqliteStore({ path: join(dir, 'weft.db') }));
