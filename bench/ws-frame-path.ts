// bench:ws's per-frame engine work without sockets (node bench/ws-frame-path.ts [ROOT]): a
// frame event forked off a connection process → if (CEL `self.type == 1 || self.type == 2`) →
// CEL echo `self.data` → a sink that finds the connection in process data, then the child
// process ends. Prints ns per frame (median of rounds). ROOT is another checkout of weft
// (default: this one), so two versions can be measured side by side, alternately.
import { fileURLToPath } from 'node:url';
import type * as BranchModule from '../codecs/_shared/branch-node.ts';
import type * as ConditionModule from '../codecs/_shared/condition.ts';
import type * as SnippetModule from '../codecs/control/snippet.ts';
import type * as KernelModule from '../src/index.ts';
import { median } from './lib/stats.ts';
import { writeResult } from './lib/write-result.ts';

const root = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const FRAMES = Number(process.env.BENCH_FRAMES ?? 200_000);

const kernel = (await import(`${root}/src/index.ts`)) as typeof KernelModule;
const { BranchNode } = (await import(`${root}/codecs/_shared/branch-node.ts`)) as typeof BranchModule;
const { Condition } = (await import(`${root}/codecs/_shared/condition.ts`)) as typeof ConditionModule;
const { SnippetNode } = (await import(`${root}/codecs/control/snippet.ts`)) as typeof SnippetModule;

const cel = kernel.celLanguage();
const branch = new BranchNode([{ condition: new Condition('when', cel.compile('self.type == 1 || self.type == 2') as never), port: 0 }], { otherwise: 1, ports: 2 });
const echo = new SnippetNode(cel.compile('self.data') as never);
const CONNECTION = Symbol('connection');
let sent = 0;
const sink = new kernel.InPort('in', (process, packet) => {
  if (process.data.get(CONNECTION) !== undefined && typeof packet.payload === 'string') sent++;
  return kernel.Packet.None;
});
const out = new kernel.OutPort('out');
out.link(branch.inPort);
branch.out('out[0]')!.link(echo.inPort);
echo.outPort.link(sink);
const connection = new kernel.Process();
connection.data.set(CONNECTION, {});

const samples: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const start = performance.now();
  for (let i = 0; i < FRAMES; i++) {
    const child = connection.fork();
    const reply = out.write(child, new kernel.Packet({ type: 1, data: '{"hello":"world","n":42}', connection: 'c' }));
    if (reply instanceof kernel.Packet) void child.finish();
    else await reply.then(() => child.finish());
  }
  samples.push(((performance.now() - start) * 1e6) / FRAMES);
}
if (sent !== ROUNDS * FRAMES) throw new Error(`${sent} of ${ROUNDS * FRAMES} frames reached the sink`);
const nsPerFrame = median(samples);
console.log(`${root}: ${nsPerFrame.toFixed(0)} ns per frame (median of ${ROUNDS} rounds of ${FRAMES})`);
console.log(`results: ${writeResult('ws-frame-path', { root, rounds: ROUNDS, frames: FRAMES, samples, nsPerFrame })}`);
