import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Topology } from '../../src/index.ts';
import { tempDir, weft } from '../harness/cli.ts';

const PING = new URL('../../examples/ping.yaml', import.meta.url).pathname;

describe('weft graph', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = tempDir();
    env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}` };
  });
  afterEach(() => dir.remove());

  it('draws examples/ping.yaml from a file as Mermaid: nodes "name (kind)", edges by port', async () => {
    const run = await weft(['graph', '-f', PING], { cwd: dir.path, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe([
      'flowchart LR',
      '  n0["listener (listener)"]',
      '  n1["router (router)"]',
      '  n2["pong (snippet)"]',
      '  n0 -->|"out"| n1',
      '  n1 -->|"out[0]"| n2',
      '',
    ].join('\n'));
  });

  it('reads the namespace from the store, and prints DOT and the topology as JSON', async () => {
    const namespace = `ns-${randomUUID().slice(0, 8)}`;
    const applied = await weft(['apply', '-f', PING, '-n', namespace], { cwd: dir.path, env });
    expect(applied.code, applied.stderr).toBe(0);
    const dot = await weft(['graph', '-n', namespace, '-o', 'dot'], { cwd: dir.path, env });
    expect(dot.code, dot.stderr).toBe(0);
    expect(dot.stdout).toContain('digraph weft {');
    expect(dot.stdout).toContain('n0 [label="listener (listener)"];');
    expect(dot.stdout).toContain('n1 -> n2 [label="out[0]"];');
    const json = await weft(['graph', '-n', namespace, '-o', 'json'], { cwd: dir.path, env });
    const topology = JSON.parse(json.stdout) as Topology;
    expect(topology.edges).toHaveLength(2);
    expect(topology).toMatchObject({ inputs: ['listener'], outputs: ['pong'], acyclic: true, unreachable: [], unresolved: [] });
    // Another namespace of the same store is empty.
    const other = JSON.parse((await weft(['graph', '-n', `${namespace}-other`, '-o', 'json'], { cwd: dir.path, env })).stdout) as Topology;
    expect(other.nodes).toEqual([]);
  });

  it('draws an unresolved link dashed to a placeholder and names the cycles', async () => {
    writeFileSync(join(dir.path, 'loop.yaml'), `
- kind: snippet
  name: a
  language: text
  code: a
  links:
    out: [{ name: b, port: in }, { name: routr, port: in }]
- kind: snippet
  name: b
  language: text
  code: b
  links:
    error: [{ name: a, port: in }]
`);
    const mermaid = await weft(['graph', '-f', 'loop.yaml'], { cwd: dir.path, env });
    expect(mermaid.stdout).toContain('  m0["routr (missing)"]:::missing');
    expect(mermaid.stdout).toContain('  n0 -.->|"out"| m0');
    expect(mermaid.stdout).toContain('  n1 -->|"error"| n0');
    expect(mermaid.stdout).toContain('  %% cycle: a, b');
    const topology = JSON.parse((await weft(['graph', '-f', 'loop.yaml', '-o', 'json'], { cwd: dir.path, env })).stdout) as Topology;
    expect(topology.cycles).toEqual([['a', 'b']]);
    expect(topology.unreachable).toEqual(['a', 'b']);
  });

  it('draws an SVG picture: a box per node with name and kind, an edge per link labelled by port, dashed red for a missing target', async () => {
    const run = await weft(['graph', '-f', PING, '-o', 'svg'], { cwd: dir.path, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
    expect(run.stdout.match(/<g class="node[^"]*"/g)).toHaveLength(3);
    expect(run.stdout.match(/<path class="edge"/g)).toHaveLength(2);
    expect(run.stdout).toContain('<text class="name" x="12" y="19">pong</text><text class="kind" x="12" y="34">snippet</text>');
    expect(run.stdout).toContain('<g class="node source"');
    expect(run.stdout).toContain('>out[0]</text>');
    writeFileSync(join(dir.path, 'dangling.yaml'), '- {kind: snippet, name: a, language: text, code: a, links: {out: [{name: "<routr>", port: in}]}}\n');
    const dangling = await weft(['graph', '-f', 'dangling.yaml', '-o', 'svg'], { cwd: dir.path, env });
    expect(dangling.stdout).toContain('<path class="edge unresolved"');
    expect(dangling.stdout).toContain('&lt;routr&gt; (missing)');
    // The same topology gives the same bytes (pictures in docs/ are compared by a test).
    expect((await weft(['graph', '-f', PING, '-o', 'svg'], { cwd: dir.path, env })).stdout).toBe(run.stdout);
  });

  it('refuses an unknown output format as a usage error', async () => {
    const run = await weft(['graph', '-f', PING, '-o', 'png'], { cwd: dir.path, env });
    expect(run.code).toBe(2);
  });
});
