import { Type } from '@sinclair/typebox';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const NAME = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$';

/** A link target: `{name | id, port}`. */
export const PortLocationSchema = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: UUID })),
    name: Type.Optional(Type.String({ pattern: NAME })),
    port: Type.String({ minLength: 1, description: 'The in-port of the target, e.g. in or in[1].' }),
  },
  { additionalProperties: false },
);

/** The schema of the fields every spec has, whatever its kind (DESIGN.md §2). */
export const commonProperties = {
  id: Type.Optional(Type.String({ pattern: UUID, description: 'UUID; a UUIDv7 is generated on insert.' })),
  kind: Type.String({ minLength: 1, description: 'Chooses the schema and codec.' }),
  namespace: Type.Optional(Type.String({ pattern: NAME, description: 'Defaults to `default`.' })),
  name: Type.Optional(Type.String({ pattern: NAME, description: 'Unique within the namespace.' })),
  annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
  links: Type.Optional(Type.Record(Type.String(), Type.Array(PortLocationSchema))),
  env: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  revision: Type.Optional(Type.Integer({ minimum: 0, description: 'Set by the store.' })),
};
