import { Type } from '@sinclair/typebox';
import FindMyWay from 'find-my-way';
import {
  defineKind, indexOfPort, invalidSpecError, OneToManyNode, Packet, WeftError,
  type OutPort, type Problem, type Process, type Reply, type Spec,
} from '../../src/index.ts';
import { acceptLazyBodies, extendRequest, takesLazyBodies } from '../_shared/http/lazy-body.ts';

/** The kind name. */
export const kind = 'router';

/** One route: a method and a path pattern sending matches to an `out[N]` port. */
export const RouteSchema = Type.Object(
  {
    method: Type.String({ pattern: '^[A-Za-z-]+$', description: 'An HTTP method, e.g. GET (case-insensitive).' }),
    path: Type.String({
      description: 'A path pattern: static segments, `:name` (one segment), `*` (the rest, param "*"), `\\:` for a literal colon.',
    }),
    port: Type.String({ pattern: '^out(\\[\\d+\\])?$', description: 'Where matches go: out[N] (out is out[0]).' }),
  },
  { additionalProperties: false },
);

/** The router's own spec fields. */
export const schema = Type.Object({
  routes: Type.Array(RouteSchema, { description: 'The routes; priority is static over `:param` over `*`, whatever the order.' }),
});

type RouteList = readonly { readonly method: string; readonly path: string; readonly port: string }[];

/** What a route match stores: the out-port index, and the port once the node is built. */
interface Target {
  readonly index: number;
  port?: OutPort;
}

type RequestMap = { readonly method: string; readonly path: string } & Readonly<Record<string, unknown>>;

const NOT_FOUND = Object.freeze({ status: 404, header: Object.freeze({}), body: 'Not Found' });
const NOWHERE: readonly Packet[] = Object.freeze([]);

/** The routes of one router on find-my-way: which out-port a request goes to, with its params. */
export class RouteTable {
  readonly #router = FindMyWay({ maxParamLength: 65_535 });
  readonly #methods: readonly string[];
  readonly #targets: Target[] = [];

  /** Throws ERR_SPEC_INVALID naming each route find-my-way refuses (unknown method, duplicate). */
  constructor(routes: RouteList, spec: Spec = { kind }) {
    const methods = new Set<string>();
    const problems: Problem[] = [];
    routes.forEach((route, position) => {
      const method = route.method.toUpperCase();
      const target: Target = { index: indexOfPort(route.port, 'out')! };
      try {
        this.#router.on(method as FindMyWay.HTTPMethod, toPattern(route.path), noop, target);
        methods.add(method);
        this.#targets.push(target);
      } catch (thrown) {
        problems.push({ path: `routes[${position}]`, code: 'ERR_SPEC_INVALID', message: (thrown as Error).message });
      }
    });
    if (problems.length > 0) throw invalidSpecError(spec, problems);
    this.#methods = [...methods];
  }

  /** Gives each route the out-port it writes to (`portOf(index)`), once the node has its ports. */
  bind(portOf: (index: number) => OutPort | undefined): void {
    for (const target of this.#targets) target.port = portOf(target.index);
  }

  /**
   * The outputs for one input (a FanAction): the map plus `params` at its route's index; no
   * output when nothing matches; ERR_ROUTER_INPUT for an input that is not a request map. A
   * listener's body not decoded yet is decoded here, for the matched route only (it stays
   * undecoded when that route leads to routers only); one that does not decode throws its
   * error (ERR_HTTP_BODY_INVALID, ERR_HTTP_BODY_TOO_LARGE), which goes to `error`.
   */
  fan(packet: Packet): readonly (Packet | undefined)[] | Packet {
    const input = packet.payload;
    if (!isRequestMap(input)) return new Packet(new WeftError('ERR_ROUTER_INPUT', { type: describe(input) }));
    const found = this.#router.find(input.method as FindMyWay.HTTPMethod, input.path);
    if (found === null) return NOWHERE;
    const target = found.store as Target;
    const outputs = new Array<Packet | undefined>(target.index + 1);
    outputs[outputs.length - 1] = new Packet(extendRequest(input, { params: { ...found.params } }, takesLazyBodies(target.port)));
    return outputs;
  }

  /** The answer for a request map no route matched: 404, or 405 (204 for OPTIONS) with Allow. */
  miss(input: RequestMap): object {
    const allowed = this.#methods.filter((other) => this.#router.find(other as FindMyWay.HTTPMethod, input.path) !== null);
    if (allowed.length === 0) return NOT_FOUND;
    const allow = ['OPTIONS', ...allowed.filter((other) => other !== 'OPTIONS')].join(', ');
    if (input.method === 'OPTIONS') return { status: 204, header: { Allow: allow }, body: null };
    return { status: 405, header: { Allow: allow }, body: 'Method Not Allowed' };
  }
}

/**
 * Sends `{method, path, …}` maps to the `out[N]` of the matching route, adding `params` (and
 * decoding a listener's body, which only a routed request pays for); a path without a route
 * answers 404 on `error`, a path whose routes lack the method 405 (204 for OPTIONS) with `Allow`. Those answers are HTTP response maps, not error values, so they go
 * to `error` from here: the one-to-many shape sends only error values there.
 */
export class RouterNode extends OneToManyNode {
  readonly #table: RouteTable;

  constructor(routes: RouteList, spec: Spec = { kind }) {
    const table = new RouteTable(routes, spec);
    super((_process, packet) => table.fan(packet));
    this.#table = table;
    table.bind((index) => this.out(`out[${index}]`));
    acceptLazyBodies(this.inPort);
  }

  /** Routes a packet of the `in` port; nothing produced (the input came back) means no route. */
  override receive(process: Process, packet: Packet): Reply {
    const reply = super.receive(process, packet);
    if (reply !== packet) return reply;
    return this.errorPort.write(process, new Packet(this.#table.miss(packet.payload as RequestMap)));
  }
}

/**
 * Turns a uniflow path into a find-my-way pattern: `/` added in front, `\:` (a literal colon)
 * becomes `::`, and everything after a `*` is dropped, since `*` takes the rest of the path.
 */
export function toPattern(path: string): string {
  let pattern = path.startsWith('/') ? path : `/${path}`;
  const star = pattern.indexOf('*');
  if (star !== -1) pattern = pattern.slice(0, star + 1);
  return pattern.replaceAll('\\:', '::');
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value) && !(value instanceof Error);
}

function isRequestMap(value: unknown): value is RequestMap {
  return isMap(value) && typeof value.method === 'string' && typeof value.path === 'string';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Error) return 'an error';
  return isMap(value) ? 'a map without string method and path' : typeof value;
}

function noop(): void {}

/** `router`: HTTP routing by method and path (uniflow §9.4), on find-my-way. */
export const definition = defineKind({
  kind,
  description: 'Routes HTTP request maps by method and path to out[N], adding params; answers 404/405 itself.',
  schema,
  ports: { in: ['in'], out: ['out[]', 'error'] },
  codec: (spec) => new RouterNode(spec.routes, spec),
});
