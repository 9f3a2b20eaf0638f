/**
 * Tarjan's strongly connected components of a graph of `size` vertices (0…size-1) given as
 * adjacency lists, iteratively (no recursion limit on long chains). Components come out in
 * reverse topological order of the condensation, each one's vertices in discovery order.
 */
export function stronglyConnected(size: number, adjacency: readonly (readonly number[])[]): number[][] {
  const index = new Int32Array(size).fill(-1);
  const low = new Int32Array(size);
  const onStack = new Uint8Array(size);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < size; root++) {
    if (index[root] !== -1) continue;
    // Each frame: a vertex and how many of its successors were visited.
    const frames: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const [vertex, next] = frame;
      const successors = adjacency[vertex]!;
      if (next < successors.length) {
        frame[1]++;
        const successor = successors[next]!;
        if (index[successor] === -1) {
          index[successor] = low[successor] = counter++;
          stack.push(successor);
          onStack[successor] = 1;
          frames.push([successor, 0]);
        } else if (onStack[successor] === 1) {
          low[vertex] = Math.min(low[vertex]!, index[successor]!);
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[vertex]!);
      }
      if (low[vertex] === index[vertex]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component.push(member);
        } while (member !== vertex);
        components.push(component.reverse());
      }
    }
  }
  return components;
}
