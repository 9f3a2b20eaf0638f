// Generated specs for the fuzz suites: valid specs of every kind, then mutated the ways users
// and scripts get specs wrong (wrong types, missing and extra fields, unknown kinds, cyclic and
// dangling links, duplicate names, huge strings, unicode names, deep nesting).
import fc from 'fast-check';

/** Names the generated specs take: a small pool, so that batches repeat and link to each other. */
export const NAMES = ['f-a', 'f-b', 'f-c', 'f-d', 'f-e'] as const;
/** Namespaces the generated specs go to (never the one the ping workflow runs in under its own names). */
export const NAMESPACES = ['default', 'fuzz', 'fuzz-2'] as const;

/** A valid spec of each kind (fields only; name, namespace and links are added). */
function seeds(listenerPort: () => number): Record<string, unknown>[] {
  return [
    { kind: 'nop' },
    { kind: 'snippet', language: 'text', code: 'pong' },
    { kind: 'snippet', language: 'json', code: '{"status": 200, "body": [1, 2]}' },
    { kind: 'snippet', language: 'yaml', code: 'a: &x [1, 2]\nb: *x\n' },
    { kind: 'snippet', language: 'cel', code: 'has(self.a) ? self.a : 0' },
    { kind: 'router', routes: [{ method: 'GET', path: '/x', port: 'out[0]' }, { method: 'POST', path: '/y/:id', port: 'out[1]' }] },
    { kind: 'if', when: 'self == 1' },
    { kind: 'switch', matches: [{ when: 'self > 1', port: 'out[0]' }, { when: 'true', port: 'out[1]' }] },
    { kind: 'sleep', duration: '1ms' },
    { kind: 'throw', category: 'not found', message: 'no' },
    { kind: 'retry', limit: 2 },
    { kind: 'block', specs: [{ kind: 'snippet', language: 'text', code: 'x' }, { kind: 'nop' }] },
    { kind: 'pipe' },
    { kind: 'fork' },
    { kind: 'split' },
    { kind: 'try' },
    { kind: 'for' },
    { kind: 'merge' },
    { kind: 'syscall', opcode: 'specs.read' },
    { kind: 'listener', protocol: 'http', host: '127.0.0.1', port: listenerPort() },
  ];
}

/** Any JSON value, small. */
const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('', ' ', 'x', 'in', 'out[0]', '../../etc', '\u0000', '🙂', 'ünïcødé', '__proto__', 'constructor', 'toString'),
  fc.constantFrom(0, -1, 1.5, 2 ** 53, -(2 ** 31), true, false, null),
  fc.constantFrom([], {}, [null], [[]], { '': null }),
);

/** A name: mostly from the pool, sometimes anything (unicode, too long, not a string). */
const nameArb = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('f-' + 'x'.repeat(300), 'has space', 'ünï', '🙂', '-lead', 'a'.repeat(253)) },
  { weight: 1, arbitrary: junk },
);

/** A link target: mostly a name of the pool (so links are cyclic, or dangle), sometimes broken. */
const targetArb = fc.oneof(
  { weight: 12, arbitrary: fc.record({ name: fc.constantFrom(...NAMES, 'missing'), port: fc.constantFrom('in', 'in', 'in', 'in[0]', 'in[1]', 'out', 'bogus') }) },
  { weight: 1, arbitrary: fc.record({ id: fc.oneof(fc.uuid(), junk), port: fc.constant('in') }) },
  { weight: 1, arbitrary: fc.record({ name: junk, port: junk }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: junk },
);

/** `links` (or `ports`): a map of out-ports to targets, or something that is not. */
const linksArb = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(fc.constantFrom('out', 'out', 'error', 'out[0]', 'out[1]', 'bogus', 'bad port', '0'), fc.array(targetArb, { maxLength: 3 }), { maxKeys: 2 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), junk, { maxKeys: 3 }) },
  { weight: 1, arbitrary: junk },
);

/** `annotations`: string map, or not. */
const annotationsArb = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 30 }), { maxKeys: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), junk, { maxKeys: 3 }) },
  { weight: 1, arbitrary: junk },
);

/** Lists nested `depth` deep around a value. */
function nest(value: unknown, depth: number): unknown {
  let nested = value;
  for (let level = 0; level < depth; level++) nested = level % 2 === 0 ? [nested] : { a: nested };
  return nested;
}

/** One way of spoiling a spec, applied to a copy. */
type Mutation = (spec: Record<string, unknown>) => void;

const FIELDS = ['kind', 'name', 'namespace', 'id', 'annotations', 'links', 'ports', 'env', 'revision', 'code', 'language', 'routes', 'when', 'matches', 'specs', 'port', 'protocol', 'opcode', 'duration', 'limit'];

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 45, arbitrary: fc.constant<Mutation>(() => {}) },
  { weight: 2, arbitrary: fc.constantFrom(...FIELDS).map((field): Mutation => (spec) => void delete spec[field]) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...FIELDS), junk).map(([field, value]): Mutation => (spec) => void (spec[field] = value)) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), junk).map(([field, value]): Mutation => (spec) => void (spec[field] = value)) },
  { weight: 1, arbitrary: fc.constantFrom('nope', 'Snippet', '', 'listener ', 'block').map((kind): Mutation => (spec) => void (spec.kind = kind)) },
  { weight: 2, arbitrary: linksArb.map((links): Mutation => (spec) => void (spec.links = links)) },
  { weight: 1, arbitrary: linksArb.map((ports): Mutation => (spec) => void (spec.ports = ports)) },
  { weight: 2, arbitrary: annotationsArb.map((annotations): Mutation => (spec) => void (spec.annotations = annotations)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('env', 'code', 'annotations', 'routes'), fc.integer({ min: 1, max: 90 })).map(([field, depth]): Mutation => (spec) => void (spec[field] = nest(1, depth))) },
  { weight: 1, arbitrary: fc.constantFrom(300, 3000).map((length): Mutation => (spec) => void (spec.code = 'x'.repeat(length))) },
  { weight: 1, arbitrary: fc.oneof(fc.uuid(), junk).map((id): Mutation => (spec) => void (spec.id = id)) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('fuzz', 'a b', 'ünï', ''), junk).map((namespace): Mutation => (spec) => void (spec.namespace = namespace)) },
);

/**
 * Sizes around the limits (SPEC_LIMITS), rare: parsing a megabyte of YAML takes about a second,
 * so a handful per suite is what its time allows.
 */
const hugeArb: fc.Arbitrary<Mutation | undefined> = fc.oneof(
  { weight: 2000, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom(1_000_000, 1_100_000).map((length): Mutation => (spec) => void (spec.code = 'x'.repeat(length))) },
  { weight: 1, arbitrary: fc.constantFrom(9_000, 10_001).map((count): Mutation => (spec) => {
    spec.annotations = Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${index}`, 'v']));
  }) },
  { weight: 10, arbitrary: fc.constantFrom(20_000, 60_000).map((length): Mutation => (spec) => void (spec.env = { blob: 'ü'.repeat(length) })) },
);

/** One generated spec: a seed of some kind, named from the pool, perhaps linked, perhaps spoilt. */
export function specArb(listenerPort: () => number): fc.Arbitrary<Record<string, unknown>> {
  const kinds = seeds(listenerPort);
  return fc
    .record({
      seed: fc.integer({ min: 0, max: kinds.length - 1 }),
      name: nameArb,
      namespace: fc.constantFrom(...NAMESPACES),
      links: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: linksArb }),
      mutations: fc.array(mutationArb, { maxLength: 2 }),
      huge: hugeArb,
    })
    .map(({ seed, name, namespace, links, mutations, huge }) => {
      const seedSpec = seeds(listenerPort)[seed]!;
      const spec: Record<string, unknown> = { ...structuredClone(seedSpec), name, namespace };
      if (links !== undefined) spec.links = links;
      for (const mutate of mutations) mutate(spec);
      huge?.(spec);
      return spec;
    });
}

/** A batch of 1 to `max` specs, as one CLI input or one POST body. */
export function batchArb(listenerPort: () => number, max: number): fc.Arbitrary<Record<string, unknown>[]> {
  return fc.array(specArb(listenerPort), { minLength: 1, maxLength: max });
}

/** The seed of every fuzz suite: WEFT_FUZZ_SEED when set (to replay a failure), else a fixed one. */
export function fuzzSeed(): number {
  const given = Number(process.env.WEFT_FUZZ_SEED);
  return Number.isInteger(given) && process.env.WEFT_FUZZ_SEED !== '' ? given : 16_2026;
}
