/** The fields of a `hello` reply that decide whether weft can use the server. */
export interface HelloReply {
  /** Present on a replica-set member: the set's name. */
  readonly setName?: unknown;
  /** `isdbgrid` on a mongos router (a sharded cluster). */
  readonly msg?: unknown;
  /** The newest wire protocol the server speaks (17 = MongoDB 6.0). */
  readonly maxWireVersion?: unknown;
}

/** MongoDB 6.0: the first release with change-stream pre-images (`fullDocumentBeforeChange`). */
export const MIN_WIRE_VERSION = 17;

/**
 * Why weft cannot use the server that sent this `hello` reply, or undefined when it can. Change
 * streams and multi-document transactions need a replica set or a sharded cluster (a standalone
 * mongod has neither), and delete events carry their spec only with pre-images (MongoDB 6.0+).
 */
export function checkServer(hello: HelloReply): string | undefined {
  const sharded = hello.msg === 'isdbgrid';
  if (!sharded && (typeof hello.setName !== 'string' || hello.setName === '')) {
    return 'the server is a standalone mongod, but change streams and transactions need a replica set '
      + '(a single-member set is enough: start mongod with --replSet NAME and run rs.initiate() once) or a sharded cluster';
  }
  const wire = typeof hello.maxWireVersion === 'number' ? hello.maxWireVersion : 0;
  if (wire < MIN_WIRE_VERSION) {
    return `the server speaks wire version ${wire}, but weft needs MongoDB 6.0 or later (wire version ${MIN_WIRE_VERSION}) for change-stream pre-images`;
  }
  return undefined;
}
