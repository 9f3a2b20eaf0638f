import { describe, expect, it } from 'vitest';
import { createDefaultLanguages, MemoryStore, Runtime, Scheme, type Spec } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { within } from '../../harness/wait.ts';

const slow: Spec[] = [
  { kind: 'listener', name: 'listener', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: [{ name: 'nap', port: 'in' }] } },
  { kind: 'sleep', name: 'nap', duration: '1h' },
];

describe('Runtime.close after its drain deadline', () => {
  it('ends the work still in flight, so an hour-long sleep stops and close returns', async () => {
    const store = new MemoryStore();
    await store.insert(slow);
    const runtime = new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), drainTimeoutMs: 100 });
    await runtime.start();
    const port = (runtime.table.byName('listener')!.node as ListenerNode).port;
    const request = fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(10_000) }).then(
      async (response) => ({ status: response.status, body: await response.text() }),
      (thrown: unknown) => ({ status: 0, body: String(thrown) }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runtime.processes.size).toBe(1);
    const started = Date.now();
    await within(runtime.close(), 5000);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(runtime.processes.size).toBe(0);
    // The request got an answer (or its connection closed), never an hour of silence.
    expect((await within(request, 5000)).status).not.toBe(200);
  });
});
