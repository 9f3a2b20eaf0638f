import { afterAll, describe, it } from 'vitest';
import { openMongoStore } from '../../src/index.ts';
import { proxyMongo } from '../src/store/mongodb/mongo-proxy.ts';
import { mongoTestServer } from '../src/store/mongodb/mongo-test-server.ts';
import { describeSpecStore } from './spec-store.conformance.ts';

const server = await mongoTestServer();

if (server.skip !== undefined) {
  // One plain line in any reporter (the default one does not print skipped titles).
  process.stderr.write(`SpecStore conformance: mongodb skipped: ${server.skip}\n`);
  describe.skip(`SpecStore conformance: mongodb (skipped: ${server.skip})`, () => {
    it('runs the conformance suite against a MongoDB replica set', () => {});
  });
} else {
  // Through a proxy when the URL allows it, so the suite can cut the connections (disconnect).
  const proxy = await proxyMongo(server.url);
  afterAll(async () => {
    await proxy?.close();
    await server.stop();
  });
  const url = proxy?.url ?? server.url;
  describeSpecStore('mongodb', () => openMongoStore({ url, reconnect: { initialMs: 20, maxMs: 200 } }), {
    disconnect: proxy === undefined ? undefined : () => proxy.disconnect(),
    valueEvents: false,
  });
}
