import { describe, expect, it } from 'vitest';
import { bindExecution, executionOf, Process, type ExecutionScope } from '../../../src/index.ts';

function scope(id: string, root = new Process()): ExecutionScope {
  const states = new Map<string, Map<string, unknown>>();
  return {
    id,
    ended: false,
    state: (node) => states.get(node) ?? states.set(node, new Map()).get(node)!,
    invoked: () => {},
    processed: () => {},
    emitted: () => {},
    onEnd: () => {},
    fork: () => root.fork(),
  };
}

describe('execution scopes', () => {
  it('are found from any descendant of the bound root, and not from unrelated processes', () => {
    const root = new Process();
    const bound = scope('e1');
    bindExecution(root, bound);
    const grandchild = root.fork().fork();
    expect(executionOf(grandchild)).toBe(bound);
    expect(executionOf(root)).toBe(bound);
    expect(executionOf(new Process())).toBeUndefined();
  });

  it('the nearest bound ancestor wins (an execution nested in another)', () => {
    const outer = new Process();
    bindExecution(outer, scope('outer'));
    const inner = outer.fork();
    bindExecution(inner, scope('inner'));
    expect(executionOf(inner.fork())?.id).toBe('inner');
    expect(executionOf(outer.fork())?.id).toBe('outer');
  });
});
