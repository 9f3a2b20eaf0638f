import { expect } from 'vitest';
import { startTcpProxy } from '../../../fixtures/tcp-proxy.ts';

/** A single-host MongoDB URL rewritten to go through a TCP proxy the test can cut. */
export interface ProxiedMongo {
  /** The URL through the proxy: a direct connection, with a short server-selection timeout. */
  readonly url: string;
  /** Cuts every connection and refuses new ones for `ms`, longer than the driver's own resume tries. */
  disconnect(ms?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Puts a proxy in front of the server of a single-host `mongodb://` URL (a replica set member
 * advertises its own address, so the client connects directly, `directConnection=true`).
 * Undefined for URLs it cannot rewrite (several hosts, `mongodb+srv`).
 */
export async function proxyMongo(url: string): Promise<ProxiedMongo | undefined> {
  const match = /^mongodb:\/\/((?:[^@/?]*@)?)([^/?,:@]+)(?::(\d+))?\/([^?]*)(?:\?(.*))?$/i.exec(url);
  if (match === null) return undefined;
  const [, userInfo, host, port = '27017', database, query = ''] = match;
  const kept = query.split('&').filter((pair) => pair !== '' && !/^(replicaset|directconnection|serverselectiontimeoutms)=/i.test(pair));
  const proxy = await startTcpProxy({ host: host!, port: Number(port) });
  return {
    url: `mongodb://${userInfo}127.0.0.1:${proxy.port}/${database}?${[...kept, 'directConnection=true', 'serverSelectionTimeoutMS=500'].join('&')}`,
    async disconnect(ms = 1200) {
      expect(proxy.connections).toBeGreaterThan(0);
      await proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, ms));
      await proxy.restore();
    },
    close: () => proxy.close(),
  };
}
