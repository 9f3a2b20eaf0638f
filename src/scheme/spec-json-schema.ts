import { commonProperties } from './common-schema.ts';
import type { Scheme } from './scheme.ts';

/** What `specJsonSchema` writes besides the kinds: the schema's `$id`, when it has a home. */
export interface SpecJsonSchemaOptions {
  readonly id?: string;
}

/**
 * The JSON Schema (draft 2020-12) of spec files for a scheme, made from each kind's TypeBox
 * schema and the common fields (name, namespace, links, annotations…): a document is one spec
 * or a list of them (as readSpecs reads it), each spec one branch of a `oneOf` told apart by
 * `kind` (a `const`). Editors (yaml-language-server, VS Code) complete and check specs with
 * it; what it cannot say (fields that exclude each other, links, programs) is `weft lint`'s.
 */
export function specJsonSchema(scheme: Scheme, options: SpecJsonSchemaOptions = {}): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (const kind of [...scheme.kinds].sort()) {
    const definition = scheme.definition(kind)!;
    const properties = plain({ ...commonProperties, ...definition.schema.properties }) as Record<string, Record<string, unknown>>;
    properties.kind = { const: kind, description: definition.description };
    const required = ['kind', ...((plain(definition.schema) as { required?: string[] }).required ?? [])];
    defs[kind] = { type: 'object', title: kind, description: definition.description, properties, required, additionalProperties: false };
  }
  const kinds = Object.keys(defs);
  defs.spec = {
    type: 'object',
    required: ['kind'],
    properties: { kind: { enum: kinds, description: 'Chooses the schema and codec (weft kinds lists them).' } },
    oneOf: kinds.map((kind) => ({ $ref: `#/$defs/${kind}` })),
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...(options.id === undefined ? {} : { $id: options.id }),
    title: 'weft spec file',
    description: 'A weft spec, or a list of specs (each YAML document of a file is one of these).',
    oneOf: [{ $ref: '#/$defs/spec' }, { type: 'array', items: { $ref: '#/$defs/spec' } }],
    $defs: defs,
  };
}

/** A TypeBox schema as plain JSON (its symbol keys dropped). */
function plain(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema)) as unknown;
}
