export type { Node } from './node.ts';
export { InOutNode } from './in-out-node.ts';
export { OneToOneNode, type Action } from './one-to-one.ts';
export { OneToManyNode, type FanAction } from './one-to-many.ts';
export { ManyToOneNode, type GatherAction } from './many-to-one.ts';
export { indexOfPort } from './indexed-ports.ts';
export { SourceNode } from './source.ts';
export { Emissions } from './emissions.ts';
export { isInjectableGraph, type GraphTopology, type InjectableGraph } from './injectable-graph.ts';
