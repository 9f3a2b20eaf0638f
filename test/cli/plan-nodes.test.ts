import { describe, expect, it } from 'vitest';
import type { Spec, StoredSpec } from '../../src/index.ts';
import { planNodes, type NodeEffect } from '../../cli/plan-nodes.ts';

let next = 0;
const stored = (fields: Omit<Spec, 'kind'> & { kind?: string }): StoredSpec =>
  ({ kind: 'nop', id: `id-${++next}`, namespace: 'ns', revision: 1, ...fields }) as StoredSpec;
const to = (name: string) => ({ out: [{ name, port: 'in' }] });
const byNode = (effects: NodeEffect[]) => Object.fromEntries(effects.map((entry) => [entry.node.replace('ns/', ''), entry]));

describe('planNodes', () => {
  const listener = stored({ kind: 'listener', name: 'http', protocol: 'http', port: 8080, links: to('router') });
  const router = stored({ kind: 'router', name: 'router', routes: [], links: to('pong') });
  const pong = stored({ kind: 'snippet', name: 'pong', code: 'v1' });
  const before = [listener, router, pong];

  it('restarts an updated node and relinks the nodes that link to it', () => {
    const changed = { ...pong, code: 'v2' };
    const effects = byNode(planNodes({ before, after: [listener, router, changed], created: [], updated: [{ before: pong, after: changed }], deleted: [] }));
    expect(effects.pong).toMatchObject({ effect: 'restart', active: true });
    expect(effects.router).toMatchObject({ effect: 'relink', active: true });
    expect(effects.http).toBeUndefined();
  });

  it('says a created or updated node runs its init first, and a node whose init target changes is only relinked', () => {
    const hello = stored({ kind: 'snippet', name: 'hello', code: 'hi' });
    const withInit = stored({ kind: 'nop', name: 'quiet', links: { init: [{ name: 'hello', port: 'in' }] } });
    const created = byNode(planNodes({ before: [hello], after: [hello, withInit], created: [withInit], updated: [], deleted: [] }));
    expect(created.quiet).toMatchObject({ effect: 'start', active: true, unavailable: [] });
    expect(created.quiet!.reason).toContain('its init runs first (hello)');
    const changedHello = { ...hello, code: 'hello' };
    const relinked = byNode(planNodes({ before: [hello, withInit], after: [changedHello, withInit], created: [], updated: [{ before: hello, after: changedHello }], deleted: [] }));
    expect(relinked.quiet).toMatchObject({ effect: 'relink' });
    expect(relinked.quiet!.reason).not.toContain('init');
  });

  it('says a listener keeps its socket when protocol, host and port are unchanged, and reopens it otherwise', () => {
    const annotated = { ...listener, host: '0.0.0.0', annotations: { a: 'b' } };
    const kept = planNodes({ before, after: [annotated, router, pong], created: [], updated: [{ before: listener, after: annotated }], deleted: [] });
    expect(byNode(kept).http).toMatchObject({ effect: 'restart', socket: 'kept' });
    const moved = { ...listener, port: 8081 };
    const reopened = planNodes({ before, after: [moved, router, pong], created: [], updated: [{ before: listener, after: moved }], deleted: [] });
    expect(byNode(reopened).http).toMatchObject({ effect: 'restart', socket: 'reopened' });
  });

  it('keeps the socket when only limits change (they apply on it), and knows the system namespace binds 127.0.0.1 by default', () => {
    const limited = { ...listener, limits: { bodySize: 10, maxConnections: 5 } };
    const kept = planNodes({ before, after: [limited, router, pong], created: [], updated: [{ before: listener, after: limited }], deleted: [] });
    expect(byNode(kept).http).toMatchObject({ effect: 'restart', socket: 'kept' });
    const admin = stored({ kind: 'listener', namespace: 'system', name: 'api', protocol: 'http', port: 8000 });
    const explicit = { ...admin, host: '127.0.0.1' };
    const same = planNodes({ before: [admin], after: [explicit], created: [], updated: [{ before: admin, after: explicit }], deleted: [] });
    expect(same[0]).toMatchObject({ socket: 'kept' });
    const wide = { ...admin, host: '0.0.0.0' };
    const moved = planNodes({ before: [admin], after: [wide], created: [], updated: [{ before: admin, after: wide }], deleted: [] });
    expect(moved[0]).toMatchObject({ socket: 'reopened' });
  });

  it('stops a deleted node and relinks what links to it to answer 503, keeping the listener serving', () => {
    const effects = byNode(planNodes({ before, after: [listener, router], created: [], updated: [], deleted: [pong] }));
    expect(effects.pong).toMatchObject({ effect: 'stop', active: false });
    expect(effects.router).toMatchObject({ effect: 'relink', active: true, unavailable: ['"pong"'] });
    expect(effects.router!.reason).toContain('503');
    expect(effects.http).toBeUndefined();
  });

  it('starts a created node and relinks the nodes whose missing target it is', () => {
    const waiting = [listener, router];
    const created: Spec = { kind: 'snippet', namespace: 'ns', name: 'pong', code: 'v1' };
    const effects = byNode(planNodes({ before: waiting, after: [...waiting, created], created: [created], updated: [], deleted: [] }));
    expect(effects.pong).toMatchObject({ effect: 'start', active: true, unavailable: [] });
    expect(effects.router).toMatchObject({ effect: 'relink', active: true, unavailable: [] });
    expect(effects.router!.reason).toContain('resolve');
    expect(effects.http).toBeUndefined();
  });

  it('starts a created node whose link target is missing, saying that link answers 503, and leaves untouched nodes out', () => {
    const created: Spec = { kind: 'nop', namespace: 'ns', name: 'lonely', links: to('nowhere') };
    const effects = planNodes({ before, after: [...before, created], created: [created], updated: [], deleted: [] });
    expect(effects).toEqual([expect.objectContaining({ node: 'ns/lonely', effect: 'start', active: true, unavailable: ['"nowhere"'] })]);
    expect(effects[0]!.reason).toContain('"nowhere"');
  });
});
