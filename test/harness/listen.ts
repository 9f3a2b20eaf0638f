import { InPort, type CodecContext, type Handler, type Spec } from '../../src/index.ts';
import type { ListenerNode } from '../../codecs/network/listener.ts';
import { testContext, wire, type Wired } from './wire.ts';

/** A listener on 127.0.0.1 (a free port), with test handlers on its `out` and `error` ports. */
export interface TestServer {
  readonly node: ListenerNode;
  readonly wired: Wired;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** fetch against the server with a bounded wait (5 s). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Starts a listener spec whose `out` (and `error`, when given) call the handlers; `spec` adds
 * or replaces fields of the spec (limits…).
 */
export async function startListener(handlers: { out?: Handler; error?: Handler } = {}, context: CodecContext = testContext(), spec: Partial<Spec> = {}): Promise<TestServer> {
  const wired = await wire([{ kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: 0, ...spec }], context);
  const node = wired.node<ListenerNode>(spec.name ?? 'http');
  if (handlers.out !== undefined) node.out('out')!.link(new InPort('in', handlers.out));
  if (handlers.error !== undefined) node.out('error')!.link(new InPort('in', handlers.error));
  const url = `http://127.0.0.1:${node.port}`;
  return {
    node,
    wired,
    url,
    fetch: (path, init = {}) => fetch(url + path, { ...init, signal: AbortSignal.timeout(5000) }),
    close: () => wired.close(),
  };
}
