import { Type } from '@sinclair/typebox';
import {
  defineKind, InOutNode, InPort, invalidSpecError,
  type OutPort, type Packet, type PacketReceiver, type Problem, type Process, type Reply, type Spec, type ValidateChild,
} from '../../src/index.ts';
import { ChildNodes } from '../_shared/child-nodes.ts';

/** The kind name. */
export const kind = 'block';

/** An inline child spec: a kind and its fields; no name, id or links needed. */
export const ChildSpecSchema = Type.Object(
  { kind: Type.String({ minLength: 1, description: 'The kind of the step.' }) },
  { additionalProperties: true, description: 'An inline spec: kind plus that kind’s fields.' },
);

/** The block's own spec fields. */
export const schema = Type.Object({
  specs: Type.Array(ChildSpecSchema, {
    minItems: 1,
    description: 'The steps, run in order: each step’s output is the next step’s input.',
  }),
});

/** Forwards what reaches an inner in-port to one of the block's own out-ports. */
class Forward implements PacketReceiver {
  readonly #port: OutPort;

  constructor(port: OutPort) {
    this.#port = port;
  }

  receive(process: Process, packet: Packet): Reply {
    return this.#port.write(process, packet);
  }
}

/**
 * Runs inline child nodes in sequence (uniflow §9.2 `block`): `in` goes to the first step,
 * each step's `out` feeds the next step's `in`, the last step's output goes to the block's
 * `out` (unlinked: it is the reply). Every step's `error` goes to the block's `error`; when
 * that is unlinked the error is the failing step's reply, so it travels back up the chain and
 * becomes the block's reply. Synchronous steps keep the whole block synchronous.
 */
export class BlockNode extends InOutNode {
  readonly #children: ChildNodes;
  readonly #head: InPort;

  /** Chains compiled children; throws ERR_SPEC_INVALID when two steps cannot be chained. */
  constructor(children: ChildNodes, spec: Spec = { kind }) {
    super();
    const nodes = children.nodes;
    const problems: Problem[] = [];
    const head = nodes[0]?.in('in');
    if (head === undefined) problems.push({ path: 'specs[0]', code: 'ERR_SPEC_INVALID', message: 'the first step has no in-port "in"' });
    for (let index = 1; index < nodes.length; index++) {
      const from = nodes[index - 1]!.out('out');
      const to = nodes[index]!.in('in');
      if (from === undefined || to === undefined) {
        const missing = from === undefined ? `specs[${index - 1}] has no out-port "out"` : 'it has no in-port "in"';
        problems.push({ path: `specs[${index}]`, code: 'ERR_SPEC_INVALID', message: `this step cannot follow the previous one: ${missing}` });
      } else from.link(to);
    }
    if (problems.length > 0) throw invalidSpecError(spec, problems);
    this.#children = children;
    this.#head = head!;
    nodes.at(-1)!.out('out')?.link(new InPort('out', new Forward(this.outPort)));
    const collector = new InPort('error', new Forward(this.errorPort));
    for (const node of nodes) node.out('error')?.link(collector);
  }

  /** Runs the steps on a packet of the `in` port (called by the port). */
  override receive(process: Process, packet: Packet): Reply {
    return this.#head.handle(process, packet);
  }

  activate(): Promise<void> {
    return this.#children.activate();
  }

  deactivate(): Promise<void> {
    return this.#children.deactivate();
  }

  override async close(): Promise<void> {
    super.close();
    await this.#children.close();
  }
}

/** The problems of a block's steps (validated with the same scheme) and of links they must not have. */
function validateSteps(spec: { readonly specs: readonly Spec[] }, validateChild: ValidateChild): Problem[] {
  return spec.specs.flatMap((child, index) => {
    const found = validateChild(child, `specs[${index}]`);
    if (child.links !== undefined) {
      found.push({ path: `specs[${index}].links`, code: 'ERR_SPEC_INVALID', message: 'steps of a block are chained in order and take no links' });
    }
    return found;
  });
}

/** `block`: a sequence of inline steps run as one node. */
export const definition = defineKind({
  kind,
  description: 'Runs inline steps in sequence: each step’s output is the next one’s input; the last output is the reply.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  validate: (spec, validateChild) => validateSteps(spec, validateChild),
  children: (spec) => spec.specs.map((child, index) => ({ path: `specs[${index}]`, spec: child })),
  codec: async (spec, context) => {
    const children = await ChildNodes.compile(spec, 'specs', spec.specs, context);
    try {
      return new BlockNode(children, spec);
    } catch (thrown) {
      await children.close();
      throw thrown;
    }
  },
});
