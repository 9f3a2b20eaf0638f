import { serviceAvailable } from '../../fixtures/services.ts';
import { scratchSchema } from '../../fixtures/postgres-scratch.ts';
import { sqliteTarget, type StoreTarget } from './store-targets.ts';

/**
 * Every store the guarantee tests run on here: SQLite always, PostgreSQL when its server answers
 * (always under CI=true, where a missing server fails the suite; see test/fixtures/services.ts).
 */
export async function storeTargets(): Promise<StoreTarget[]> {
  const targets = [sqliteTarget];
  const postgres = await serviceAvailable('postgres');
  if (postgres.available) targets.push(postgresTarget(postgres.url));
  return targets;
}

/** A PostgreSQL schema of its own per test, dropped afterwards. */
export function postgresTarget(serverUrl: string): StoreTarget {
  return {
    name: 'postgres',
    open: async () => {
      const schema = await scratchSchema(serverUrl);
      return { url: schema.url(), remove: () => schema.drop() };
    },
  };
}
