import { randomUUID } from 'node:crypto';
import { until, within } from '../../harness/wait.ts';
import { describe, expect, it } from 'vitest';
import { OneToOneNode, Packet, Process, WeftError, type Node, type OutPort } from '../../../src/index.ts';
import { SymbolTable, type IdentifiedSpec } from '../../../src/symbol/index.ts';

type Event = `${'activate' | 'deactivate' | 'close'} ${string}`;

/** A one-to-one node that replies `label:payload` and records its lifecycle calls in a shared log. */
class Probe extends OneToOneNode {
  readonly label: string;
  readonly log: Event[];
  activations = 0;
  deactivations = 0;
  closes = 0;
  adopted: Node | undefined;
  failActivation: Error | undefined;

  constructor(label: string, log: Event[]) {
    super((_process, packet) => new Packet(`${label}:${String(packet.payload)}`));
    this.label = label;
    this.log = log;
  }

  activate(): void {
    if (this.failActivation !== undefined) throw this.failActivation;
    this.activations++;
    this.log.push(`activate ${this.label}`);
  }

  deactivate(): void {
    this.deactivations++;
    this.log.push(`deactivate ${this.label}`);
  }

  adopt(previous: Node): void {
    this.adopted = previous;
  }

  override close(): void {
    super.close();
    this.closes++;
    this.log.push(`close ${this.label}`);
  }
}

const NAMESPACE = 'default';

/** A spec for the table: `links` maps an out-port to target names (port `in` unless given as `name.port`). */
function spec(name: string, links: Record<string, string[]> = {}, id: string = randomUUID()): IdentifiedSpec {
  return {
    id,
    kind: 'probe',
    namespace: NAMESPACE,
    name,
    links: Object.fromEntries(Object.entries(links).map(([out, targets]) => [
      out,
      targets.map((target) => {
        const [targetName, port = 'in'] = target.split('.');
        return { name: targetName!, port };
      }),
    ])),
  };
}

/** Writes a payload through an out-port in a fresh process, as an upstream node would. */
async function write(port: OutPort, payload: unknown): Promise<unknown> {
  return (await port.write(new Process(), new Packet(payload))).payload;
}

/** A `drained` option whose calls resolve only when released. */
function controllableDrain(): { drained: () => Promise<void>; calls: () => number; release: () => void } {
  const waiting: (() => void)[] = [];
  let calls = 0;
  return {
    drained: () => {
      calls++;
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    calls: () => calls,
    release: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

describe('SymbolTable', () => {
  it('binds links late: a source serves at once, its missing target answers ERR_NODE_UNAVAILABLE until it arrives', async () => {
    const log: Event[] = [];
    const table = new SymbolTable({ namespace: NAMESPACE });
    const a = new Probe('A', log);
    const b = new Probe('B', log);
    const symbolA = await within(table.insert(spec('A', { out: ['B'] }), a));
    expect(symbolA.state).toBe('active');
    expect(symbolA.problems).toEqual([expect.stringContaining('"B" is not loaded')]);
    expect(symbolA.resolved?.unavailable).toEqual(['B']);
    expect(await write(a.outPort, 1)).toMatchObject({ code: 'ERR_NODE_UNAVAILABLE', params: { node: 'B', reason: 'it is not loaded' } });

    const symbolB = await within(table.insert(spec('B'), b));
    expect(symbolB.state).toBe('active');
    expect(symbolA.problems).toEqual([]);
    expect(log).toEqual(['activate A', 'activate B']);
    expect(a.outPort.links).toEqual([b.inPort]);
    expect(await write(a.outPort, 1)).toBe('B:1');
    await within(table.close());
  });

  it('gives the reason whyMissing knows for a target that is not in the table', async () => {
    const table = new SymbolTable({ namespace: NAMESPACE, whyMissing: (location) => (location.name === 'B' ? 'it failed to load: bad code' : undefined) });
    const a = new Probe('A', []);
    await within(table.insert(spec('A', { out: ['B'] }), a));
    const reply = (await write(a.outPort, 1)) as WeftError;
    expect(reply.code).toBe('ERR_NODE_UNAVAILABLE');
    expect(reply.message).toContain('failed to load');
    await within(table.close());
  });

  it('resolves links by id when no name is given', async () => {
    const log: Event[] = [];
    const table = new SymbolTable({ namespace: NAMESPACE });
    const idB = randomUUID();
    const a = new Probe('A', log);
    await within(table.insert({ id: randomUUID(), kind: 'probe', namespace: NAMESPACE, links: { out: [{ id: idB, port: 'in' }] } }, a));
    await within(table.insert({ id: idB, kind: 'probe', namespace: NAMESPACE }, new Probe('B', log)));
    expect(table.get(idB)?.state).toBe('active');
    expect(await write(a.outPort, 'x')).toBe('B:x');
    await within(table.close());
  });

  it('activates a batch downstream-first and leaves the rest of a chain serving when a node is removed', async () => {
    const log: Event[] = [];
    const table = new SymbolTable({ namespace: NAMESPACE });
    const nodes = { A: new Probe('A', log), B: new Probe('B', log), C: new Probe('C', log) };
    const specC = spec('C');
    await within(table.apply({ upserts: [
      { spec: spec('A', { out: ['B'] }), node: nodes.A },
      { spec: spec('B', { out: ['C'] }), node: nodes.B },
      { spec: specC, node: nodes.C },
    ] }));
    expect(log).toEqual(['activate C', 'activate B', 'activate A']);
    expect(await write(nodes.A.outPort, 1)).toBe('C:B:1');

    log.length = 0;
    await within(table.remove(specC.id));
    await until(() => log.includes('close C'));
    expect(log).toEqual(['deactivate C', 'close C']);
    expect(table.byName('A')?.state).toBe('active');
    expect(table.byName('B')?.state).toBe('active');
    expect(table.byName('B')?.problems).toEqual([expect.stringContaining('"C" is not loaded')]);
    expect(await write(nodes.B.outPort, 2)).toMatchObject({ code: 'ERR_NODE_UNAVAILABLE' });
    expect(table.byName('C')).toBeUndefined();
    await within(table.close());
  });

  it('links a 3-cycle inserted one at a time, each node activated once, and removing one leaves the others serving', async () => {
    const log: Event[] = [];
    const table = new SymbolTable({ namespace: NAMESPACE });
    const nodes = { A: new Probe('A', log), B: new Probe('B', log), C: new Probe('C', log) };
    const specs = { A: spec('A', { out: ['B'] }), B: spec('B', { out: ['C'] }), C: spec('C', { out: ['A'] }) };
    for (const name of ['A', 'B', 'C'] as const) await within(table.insert(specs[name], nodes[name]));
    expect(log).toEqual(['activate A', 'activate B', 'activate C']);
    expect(table.symbols.map((symbol) => symbol.state)).toEqual(['active', 'active', 'active']);
    expect(nodes.A.outPort.links).toEqual([nodes.B.inPort]);
    expect(nodes.B.outPort.links).toEqual([nodes.C.inPort]);
    expect(nodes.C.outPort.links).toEqual([nodes.A.inPort]);

    log.length = 0;
    await within(table.remove(specs.A.id));
    await until(() => log.includes('close A'));
    expect(log).toEqual(['deactivate A', 'close A']);
    expect(await write(nodes.C.outPort, 1)).toMatchObject({ code: 'ERR_NODE_UNAVAILABLE' });
    await within(table.close());
  });

  it('activates a cycle applied in one batch once each', async () => {
    const log: Event[] = [];
    const table = new SymbolTable({ namespace: NAMESPACE });
    const nodes = { A: new Probe('A', log), B: new Probe('B', log) };
    await within(table.apply({ upserts: [{ spec: spec('A', { out: ['B'] }), node: nodes.A }, { spec: spec('B', { out: ['A'] }), node: nodes.B }] }));
    expect(log.sort()).toEqual(['activate A', 'activate B']);
    expect(nodes.A.outPort.links).toEqual([nodes.B.inPort]);
    expect(nodes.B.outPort.links).toEqual([nodes.A.inPort]);
    await within(table.close());
  });

  it('answers ERR_NODE_UNAVAILABLE on a link to a target without the in-port, with a problem', async () => {
    const log: Event[] = [];
    const table = new SymbolTable({ namespace: NAMESPACE });
    await within(table.insert(spec('B'), new Probe('B', log)));
    const a = new Probe('A', log);
    const symbolA = await within(table.insert(spec('A', { out: ['B.input'] }), a));
    expect(symbolA.state).toBe('active');
    expect(symbolA.problems).toEqual([expect.stringContaining('has no in-port "input"')]);
    expect(await write(a.outPort, 1)).toMatchObject({ code: 'ERR_NODE_UNAVAILABLE', params: { reason: 'it has no in-port "input"' } });
    await within(table.close());
  });

  it('records a problem when the source has no such out-port', async () => {
    const table = new SymbolTable({ namespace: NAMESPACE });
    await within(table.insert(spec('B'), new Probe('B', [])));
    const symbolA = await within(table.insert(spec('A', { 'out[1]': ['B'] }), new Probe('A', [])));
    expect(symbolA.problems).toEqual([expect.stringContaining('out-port "out[1]" does not exist')]);
    await within(table.close());
  });

  it('looks targets up in its own namespace only', async () => {
    const table = new SymbolTable({ namespace: NAMESPACE });
    await expect(table.insert({ ...spec('X'), namespace: 'other' }, new Probe('X', []))).rejects.toThrow();
    expect(table.size).toBe(0);
    await within(table.close());
  });

  describe('replacement', () => {
    async function upstreamAndOld(drained?: () => Promise<void>) {
      const log: Event[] = [];
      const table = new SymbolTable({ namespace: NAMESPACE, ...(drained ? { drained } : {}) });
      const a = new Probe('A', log);
      const old = new Probe('B-old', log);
      const specB = spec('B');
      await within(table.insert(spec('A', { out: ['B'] }), a));
      await within(table.insert(specB, old));
      log.length = 0;
      return { log, table, a, old, specB };
    }

    it('routes the upstream out-port to the new node and passes it the old one to adopt', async () => {
      const { table, a, old, specB } = await upstreamAndOld();
      const fresh = new Probe('B-new', []);
      expect(await write(a.outPort, 1)).toBe('B-old:1');
      const symbol = await within(table.insert({ ...specB }, fresh));
      expect(symbol.state).toBe('active');
      expect(table.get(specB.id)?.node).toBe(fresh);
      expect(table.byName('B')?.node).toBe(fresh);
      expect(fresh.adopted).toBe(old);
      expect(a.outPort.links).toEqual([fresh.inPort]);
      expect(await write(a.outPort, 2)).toBe('B-new:2');
      await within(table.close());
    });

    it('swaps the upstream link in one step: every write during the replacement is served', async () => {
      const drain = controllableDrain();
      const { table, a, old, specB } = await upstreamAndOld(drain.drained);
      const linkCounts: number[] = [];
      const port = a.outPort as OutPort & Record<'link' | 'unlink' | 'relink' | 'setLinks' | 'unlinkAll', (...args: never[]) => void>;
      for (const method of ['link', 'unlink', 'relink', 'setLinks', 'unlinkAll'] as const) {
        const original = port[method].bind(port) as (...args: never[]) => void;
        port[method] = (...args: never[]) => {
          original(...args);
          linkCounts.push(port.links.length);
        };
      }
      const replies: unknown[] = [];
      const probeWrite = (): void => void replies.push((a.outPort.write(new Process(), new Packet('probe')) as Packet).payload);
      const fresh = new Probe('B-new', []);
      fresh.activate = () => probeWrite();
      fresh.adopt = () => probeWrite();
      old.deactivate = () => probeWrite();
      const inserting = table.insert({ ...specB }, fresh);
      probeWrite();
      await within(inserting);
      probeWrite();
      drain.release();
      await until(() => old.closes === 1);
      probeWrite();

      expect(linkCounts.length).toBeGreaterThan(0);
      expect(linkCounts.every((count) => count === 1)).toBe(true);
      expect(replies.length).toBeGreaterThanOrEqual(5);
      expect(replies.every((reply) => reply === 'B-old:probe' || reply === 'B-new:probe')).toBe(true);
      expect(replies.at(-1)).toBe('B-new:probe');
      expect(a.activations).toBe(1);
      expect(a.deactivations).toBe(0);
      await within(table.close());
    });

    it('closes the old node only after drained resolves', async () => {
      const drain = controllableDrain();
      const { table, old, specB } = await upstreamAndOld(drain.drained);
      await within(table.insert({ ...specB }, new Probe('B-new', [])));
      await until(() => drain.calls() === 1);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(old.deactivations).toBe(1);
      expect(old.closes).toBe(0);
      drain.release();
      await until(() => old.closes === 1);
      const closing = table.close();
      drain.release();
      await within(closing);
    });

    it('lets in-flight work finish on the old node while new work reaches the new one', async () => {
      const drain = controllableDrain();
      const log: Event[] = [];
      const table = new SymbolTable({ namespace: NAMESPACE, drained: drain.drained });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const a = new Probe('A', log);
      const old = new OneToOneNode(async (_process, packet) => (await gate, new Packet(`old:${String(packet.payload)}`)));
      const specB = spec('B');
      await within(table.insert(spec('A', { out: ['B'] }), a));
      await within(table.insert(specB, old));
      const inFlight = a.outPort.write(new Process(), new Packet(1));
      await within(table.insert({ ...specB }, new Probe('B-new', log)));
      expect(await write(a.outPort, 2)).toBe('B-new:2');
      release();
      expect((await within(Promise.resolve(inFlight))).payload).toBe('old:1');
      drain.release();
      const closing = table.close();
      drain.release();
      await within(closing);
    });

    it('keeps the old node serving and throws when the new node fails to activate', async () => {
      const { table, a, old, specB } = await upstreamAndOld();
      const fresh = new Probe('B-new', []);
      fresh.failActivation = new WeftError('ERR_LISTEN_FAILED', { address: ':80', reason: 'in use' });
      await expect(within(table.insert({ ...specB }, fresh))).rejects.toMatchObject({ code: 'ERR_LISTEN_FAILED' });
      expect(table.get(specB.id)?.node).toBe(old);
      expect(table.get(specB.id)?.state).toBe('active');
      expect(a.outPort.links).toEqual([old.inPort]);
      expect(await write(a.outPort, 3)).toBe('B-old:3');
      expect(old.deactivations).toBe(0);
      expect(old.closes).toBe(0);
      expect(fresh.closes).toBe(1);
      expect(old.adopted).toBe(fresh);
      await within(table.close());
    });

    it('wraps a plain activation error as ERR_INTERNAL', async () => {
      const { table, specB } = await upstreamAndOld();
      const fresh = new Probe('B-new', []);
      fresh.failActivation = new Error('boom');
      await expect(within(table.insert({ ...specB }, fresh))).rejects.toMatchObject({ code: 'ERR_INTERNAL' });
      await within(table.close());
    });
  });

  it('remove deactivates and closes the node, and binds the upstream link to an unavailable stand-in', async () => {
    const log: Event[] = [];
    const table = new SymbolTable({ namespace: NAMESPACE });
    const a = new Probe('A', log);
    const b = new Probe('B', log);
    const specB = spec('B');
    await within(table.insert(spec('A', { out: ['B'] }), a));
    await within(table.insert(specB, b));
    log.length = 0;
    expect(await within(table.remove(specB.id))).toBe(true);
    await until(() => b.closes === 1);
    expect(log).toEqual(['deactivate B', 'close B']);
    expect(table.get(specB.id)).toBeUndefined();
    expect(table.byName('B')).toBeUndefined();
    expect(table.byName('A')?.state).toBe('active');
    expect(a.outPort.links).toHaveLength(1);
    expect(a.outPort.links[0]).not.toBe(b.inPort);
    expect(await write(a.outPort, 1)).toMatchObject({ code: 'ERR_NODE_UNAVAILABLE' });
    expect(await within(table.remove(specB.id))).toBe(false);
    await within(table.close());
  });

  it('re-links the upstream when a removed node comes back', async () => {
    const log: Event[] = [];
    const table = new SymbolTable({ namespace: NAMESPACE });
    const a = new Probe('A', log);
    const specB = spec('B');
    await within(table.insert(spec('A', { out: ['B'] }), a));
    await within(table.insert(specB, new Probe('B', log)));
    await within(table.remove(specB.id));
    log.length = 0;
    const again = new Probe('B-again', log);
    await within(table.insert(spec('B'), again));
    expect(log).toEqual(['activate B-again']);
    expect(await write(a.outPort, 'x')).toBe('B-again:x');
    await within(table.close());
  });

  it('relinks only the nodes that name what changed', async () => {
    const table = new SymbolTable({ namespace: NAMESPACE });
    const others = Array.from({ length: 50 }, (_, i) => new Probe(`other-${i}`, []));
    await within(table.apply({ upserts: others.map((node, i) => ({ spec: spec(`other-${i}`, { out: [`other-${(i + 1) % 50}`] }), node })) }));
    const a = new Probe('A', []);
    await within(table.insert(spec('A', { out: ['B'] }), a));
    const setLinks = others.map((node) => {
      let calls = 0;
      const original = node.outPort.setLinks.bind(node.outPort);
      node.outPort.setLinks = (targets) => {
        calls++;
        original(targets);
      };
      return () => calls;
    });
    await within(table.insert(spec('B'), new Probe('B', [])));
    expect(setLinks.map((calls) => calls())).toEqual(others.map(() => 0));
    expect(await write(a.outPort, 1)).toBe('B:1');
    await within(table.close());
  });

  it('close deactivates everything upstream-first, then closes every node', async () => {
    const log: Event[] = [];
    const table = new SymbolTable({ namespace: NAMESPACE });
    await within(table.insert(spec('C'), new Probe('C', log)));
    await within(table.insert(spec('B', { out: ['C'] }), new Probe('B', log)));
    await within(table.insert(spec('A', { out: ['B'] }), new Probe('A', log)));
    log.length = 0;
    await within(table.close());
    const deactivations = log.filter((event) => event.startsWith('deactivate'));
    expect(deactivations).toEqual(['deactivate A', 'deactivate B', 'deactivate C']);
    expect(log.filter((event) => event.startsWith('close')).sort()).toEqual(['close A', 'close B', 'close C']);
    expect(log.indexOf('close A')).toBeGreaterThan(log.indexOf('deactivate C'));
    expect(table.size).toBe(0);
  });

  it('close waits for a node being retired to drain', async () => {
    const drain = controllableDrain();
    const table = new SymbolTable({ namespace: NAMESPACE, drained: drain.drained });
    const b = new Probe('B', []);
    const specB = spec('B');
    await within(table.insert(specB, b));
    await within(table.remove(specB.id));
    let closed = false;
    const closing = table.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(false);
    drain.release();
    await within(closing);
    expect(b.closes).toBe(1);
  });

  it('closes a retired node at the retire deadline even when work that may reach it never ends', async () => {
    const drain = controllableDrain();
    const table = new SymbolTable({ namespace: NAMESPACE, drained: drain.drained, retireTimeoutMs: 50 });
    const b = new Probe('B', []);
    const specB = spec('B');
    await within(table.insert(specB, b));
    await within(table.insert({ ...specB }, new Probe('B-new', [])));
    await until(() => b.closes === 1, 2000);
    expect((await b.inPort.handle(new Process(), new Packet(1))).payload).toMatchObject({ code: 'ERR_NODE_CLOSED' });
    const closing = table.close();
    drain.release();
    await within(closing);
  });

  it('keeps a new node that fails to activate as failed, links to it unavailable, and retries it on demand', async () => {
    const log: Event[] = [];
    const table = new SymbolTable({ namespace: NAMESPACE });
    const a = new Probe('A', log);
    const b = new Probe('B', log);
    b.failActivation = new Error('port busy');
    const symbolA = await within(table.insert(spec('A', { out: ['B'] }), a));
    const symbolB = await within(table.insert(spec('B'), b));
    expect(symbolB.state).toBe('failed');
    expect((symbolB.error as WeftError).code).toBe('ERR_INTERNAL');
    expect(symbolA.resolved?.unavailable).toEqual(['B']);
    expect(((await write(a.outPort, 1)) as Error).message).toContain('failed to activate');

    await within(table.retryFailed());
    expect(symbolB.state).toBe('failed');
    b.failActivation = undefined;
    await within(table.retryFailed());
    expect(symbolB.state).toBe('active');
    expect(symbolB.error).toBeUndefined();
    expect(await write(a.outPort, 1)).toBe('B:1');
    await within(table.close());
  });

  it('serialises operations in call order', async () => {
    const log: Event[] = [];
    const table = new SymbolTable({ namespace: NAMESPACE });
    const specB = spec('B');
    const operations = [
      table.insert(spec('A', { out: ['B'] }), new Probe('A', log)),
      table.insert(specB, new Probe('B', log)),
      table.remove(specB.id),
    ];
    await within(Promise.all(operations));
    await until(() => log.includes('close B'));
    expect(log).toEqual(['activate A', 'activate B', 'deactivate B', 'close B']);
    await within(table.close());
  });

  it('links the upstream to a replacement whose own downstream is missing', async () => {
    const table = new SymbolTable({ namespace: NAMESPACE });
    const a = new Probe('A', []);
    const specB = spec('B');
    await within(table.insert(spec('A', { out: ['B'] }), a));
    await within(table.insert(specB, new Probe('B', [])));
    const fresh = new Probe('B-new', []);
    await within(table.insert({ ...specB, links: { out: [{ name: 'later', port: 'in' }] } }, fresh));
    expect(table.get(specB.id)?.state).toBe('active');
    expect(table.byName('A')?.state).toBe('active');
    expect(a.outPort.links).toEqual([fresh.inPort]);
    expect(await write(a.outPort, 'x')).toMatchObject({ code: 'ERR_NODE_UNAVAILABLE', params: { node: 'later' } });
    await within(table.close());
  });

  it('loads 20 000 nodes in one batch, yielding to the event loop meanwhile', async () => {
    const table = new SymbolTable({ namespace: NAMESPACE });
    const upserts = Array.from({ length: 20_000 }, (_, i) => ({ spec: spec(`n-${i}`, i + 1 < 20_000 ? { out: [`n-${i + 1}`] } : {}), node: new Probe(`n-${i}`, []) }));
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const result = await within(table.apply({ upserts }), 20_000);
    clearInterval(ticker);
    expect(result.loaded).toHaveLength(20_000);
    expect(table.symbols.every((symbol) => symbol.state === 'active' && symbol.problems.length === 0)).toBe(true);
    expect(turns).toBeGreaterThan(0);
    await within(table.close(), 20_000);
  });
});
