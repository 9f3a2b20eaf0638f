import { afterAll, describe, expect } from 'vitest';
import { PostgresStore } from '../../src/index.ts';
import { scratchSchema } from '../fixtures/postgres-scratch.ts';
import { serviceAvailable } from '../fixtures/services.ts';
import { describeSpecStore } from './spec-store.conformance.ts';

// One scratch schema for this run, dropped at the end; each test has a namespace of its own.
const postgres = await serviceAvailable('postgres');
const scratch = postgres.available ? await scratchSchema(postgres.url) : undefined;
afterAll(async () => scratch?.drop());

describe.skipIf(scratch === undefined)('postgres', () => {
  describeSpecStore('postgres', async () => PostgresStore.open({ url: scratch!.url(), reconnect: { initialMs: 20, maxMs: 200 } }), {
    // Only the store under test listens on the scratch table, so its listener is the one cut.
    disconnect: async () => expect(await scratch!.terminateListeners()).toBeGreaterThan(0),
  });
});
