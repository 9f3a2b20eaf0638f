import { invalidSpecError, toWeftError, type CodecContext, type Node, type Problem, type Spec } from '../../src/index.ts';

/**
 * The compiled inline children of a node (a block's steps). Their lifecycle follows the
 * parent's: activated last-to-first (downstream first, as the symbol table does), deactivated
 * first-to-last, closed together. Children are not symbols: nothing else links to them.
 */
export class ChildNodes {
  readonly nodes: readonly Node[];

  private constructor(nodes: readonly Node[]) {
    this.nodes = nodes;
  }

  /**
   * Compiles `specs` (the parent's field `field`) in order with `context.compile`. When one
   * fails, closes those already built and throws ERR_SPEC_INVALID whose problems sit at
   * `field[N]…` (a child's own problems keep their paths under it; the failure is the cause).
   */
  static async compile(parent: Spec, field: string, specs: readonly Spec[], context: CodecContext): Promise<ChildNodes> {
    const nodes: Node[] = [];
    for (let index = 0; index < specs.length; index++) {
      try {
        nodes.push(await context.compile(specs[index]!));
      } catch (thrown) {
        await new ChildNodes(nodes).close();
        throw invalidSpecError(parent, childProblems(`${field}[${index}]`, thrown), thrown);
      }
    }
    return new ChildNodes(nodes);
  }

  /** Activates last-to-first; when one fails, deactivates those it activated and rethrows. */
  async activate(): Promise<void> {
    for (let index = this.nodes.length - 1; index >= 0; index--) {
      try {
        await this.nodes[index]!.activate?.();
      } catch (thrown) {
        for (let done = index + 1; done < this.nodes.length; done++) await deactivateQuietly(this.nodes[done]!);
        throw thrown;
      }
    }
  }

  /** Deactivates first-to-last; a failing child does not stop the others. */
  async deactivate(): Promise<void> {
    for (const node of this.nodes) await deactivateQuietly(node);
  }

  /** Closes every child; never throws (Node contract). */
  async close(): Promise<void> {
    for (const node of this.nodes) {
      try {
        await node.close();
      } catch {
        // A child that fails to close must not keep its siblings open.
      }
    }
  }
}

async function deactivateQuietly(node: Node): Promise<void> {
  try {
    await node.deactivate?.();
  } catch {
    // Deactivation is best effort; the node is closed afterwards anyway.
  }
}

/** The problems of a failed child compile, under `path`: its spec problems, else the failure itself. */
function childProblems(path: string, thrown: unknown): Problem[] {
  const error = toWeftError(thrown);
  if (Array.isArray(error.details) && error.details.every(isProblem)) {
    return error.details.map((problem) => ({ ...problem, path: problem.path === '' ? path : problem.path.startsWith('[') ? path + problem.path : `${path}.${problem.path}` }));
  }
  return [{ path, code: error.code, message: error.message }];
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).path === 'string' && typeof (value as Problem).code === 'string';
}
