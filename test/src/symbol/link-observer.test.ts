import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OneToOneNode, Packet, Process, ProbedPort, type LinkObserver, type ObservedLink } from '../../../src/index.ts';
import { SymbolTable, type IdentifiedSpec } from '../../../src/symbol/index.ts';

/** An observer that records every probe made and every hop, as `source>target enter|leave payload`. */
function recorder(): LinkObserver & { links: ObservedLink[]; hops: string[] } {
  const links: ObservedLink[] = [];
  const hops: string[] = [];
  return {
    links,
    hops,
    probe(link) {
      links.push(link);
      const name = `${link.source.node}.${link.source.port}>${link.target.node}.${link.target.port}`;
      return {
        enter: (_process, packet) => {
          hops.push(`${name} enter ${String(packet.payload)}`);
          return hops.length;
        },
        leave: (_process, reply, token) => void hops.push(`${name} leave ${String(reply.payload)} ${String(token)}`),
      };
    },
  };
}

const spec = (name: string, links?: IdentifiedSpec['links'], id = randomUUID()): IdentifiedSpec => ({ id, namespace: 'default', kind: 'step', name, ...(links === undefined ? {} : { links }) });
const step = (label: string) => new OneToOneNode((_process, packet) => new Packet(`${label}(${String(packet.payload)})`));

describe('SymbolTable with a LinkObserver', () => {
  it('runs every hop through a probe between enter and leave, innermost leave first, the token handed back', async () => {
    const observer = recorder();
    const table = new SymbolTable({ namespace: 'default', observer });
    await table.insert(spec('c'), step('c'));
    await table.insert(spec('b', { out: [{ name: 'c', port: 'in' }] }), step('b'));
    const a = await table.insert(spec('a', { out: [{ name: 'b', port: 'in' }] }), step('a'));
    expect(observer.links.map((link) => [link.namespace, link.source, link.target])).toEqual([
      ['default', { node: 'b', kind: 'step', port: 'out' }, { node: 'c', kind: 'step', port: 'in' }],
      ['default', { node: 'a', kind: 'step', port: 'out' }, { node: 'b', kind: 'step', port: 'in' }],
    ]);
    const reply = a.node.in('in')!.handle(new Process(), new Packet('x')) as Packet;
    expect(reply.payload).toBe('c(b(a(x)))');
    expect(observer.hops).toEqual([
      'a.out>b.in enter a(x)',
      'b.out>c.in enter b(a(x))',
      'b.out>c.in leave c(b(a(x))) 2',
      'a.out>b.in leave c(b(a(x))) 1',
    ]);
    await table.close();
  });

  it("keeps a link's probe when it is bound again to the same in-port, and makes a new one when the target is replaced", async () => {
    const observer = recorder();
    const table = new SymbolTable({ namespace: 'default', observer });
    const bId = randomUUID();
    await table.insert(spec('b', undefined, bId), step('b'));
    const a = await table.insert(spec('a', { out: [{ name: 'b', port: 'in' }] }), step('a'));
    const first = a.node.out('out')!.links[0]!;
    expect(first).toBeInstanceOf(ProbedPort);
    await table.insert(spec('other'), step('other'));
    expect(a.node.out('out')!.links[0]).toBe(first);
    await table.insert(spec('b', undefined, bId), step('b2'));
    const second = a.node.out('out')!.links[0]!;
    expect(second).not.toBe(first);
    expect((a.node.in('in')!.handle(new Process(), new Packet('x')) as Packet).payload).toBe('b2(a(x))');
    expect(observer.links).toHaveLength(2);
    await table.close();
  });

  it("binds the targets' own in-ports when there is no observer", async () => {
    const table = new SymbolTable({ namespace: 'default' });
    const b = await table.insert(spec('b'), step('b'));
    const a = await table.insert(spec('a', { out: [{ name: 'b', port: 'in' }] }), step('a'));
    expect(a.node.out('out')!.links[0]).toBe(b.node.in('in'));
    await table.close();
  });
});
