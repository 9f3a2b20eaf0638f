import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheme } from '../../src/index.ts';
import { coreKinds } from '../../schemes/core.ts';
import { tempDir, weft } from '../harness/cli.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const scheme = new Scheme({ kinds: coreKinds });

/** Every ```yaml block of README.md and docs/**, with the line it starts at. */
function yamlBlocks(): { where: string; text: string }[] {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)];
  return files.flatMap((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    return [...text.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map((match) => ({ where: `${file}:${text.slice(0, match.index).split('\n').length}`, text: match[1]! }));
  });
}

/** A document that is a spec or a list of specs (a block may also show a fragment: a field, a payload, a config file). */
function isSpecDocument(value: unknown): boolean {
  const isSpec = (entry: unknown) => typeof entry === 'object' && entry !== null && !Array.isArray(entry) && 'kind' in entry;
  return isSpec(value) || (Array.isArray(value) && value.length > 0 && value.every(isSpec));
}

describe('weft schema', () => {
  let schema: Record<string, unknown>;
  let validate: ValidateFunction;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    dir = tempDir();
    const run = await weft(['schema'], { cwd: dir.path, env: {} });
    expect(run.code, run.stderr).toBe(0);
    schema = JSON.parse(run.stdout) as Record<string, unknown>;
    validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
  });
  afterAll(() => dir.remove());

  it('is a draft 2020-12 schema with one branch per kind, told apart by kind', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const defs = schema.$defs as Record<string, { properties: { kind: { const: string } } }>;
    for (const kind of scheme.kinds) expect(defs[kind]!.properties.kind.const).toBe(kind);
    expect(validate({ kind: 'snippet', name: 'a', language: 'text', code: 'hi' })).toBe(true);
    expect(validate([{ kind: 'nop', name: 'a', links: { out: [{ name: 'b', port: 'in' }] } }, { kind: 'nop', name: 'b' }])).toBe(true);
    expect(validate({ kind: 'snippet', name: 'a', language: 'text' })).toBe(false);
    expect(validate({ kind: 'snippet', name: 'a', language: 'text', code: 'hi', colour: 'blue' })).toBe(false);
    expect(validate({ kind: 'sniplet', name: 'a' })).toBe(false);
  });

  it('-o FILE writes the same schema', async () => {
    const run = await weft(['schema', '-o', 'weft.schema.json'], { cwd: dir.path, env: {} });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir.path, 'weft.schema.json'), 'utf8'))).toEqual(schema);
  });

  it('accepts every document of every example in examples/ (and its folders)', () => {
    const files = readdirSync(join(ROOT, 'examples'), { recursive: true, encoding: 'utf8' }).filter((file) => /\.ya?ml$/.test(file) && !/\.test\.ya?ml$/.test(file) && !/weft\.config\.ya?ml$/.test(file));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      for (const document of parseAllDocuments(readFileSync(join(ROOT, 'examples', file), 'utf8'))) {
        const value = document.toJS() as unknown;
        if (value === null) continue;
        expect(validate(value), `examples/${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      }
    }
  });

  it('every YAML block of README.md and docs/ parses, and each that holds specs validates', () => {
    const blocks = yamlBlocks();
    expect(blocks.length).toBeGreaterThan(30);
    let specs = 0;
    for (const { where, text } of blocks) {
      for (const document of parseAllDocuments(text)) {
        expect(document.errors.map((error) => error.message.split('\n')[0]), where).toEqual([]);
        const value = document.toJS() as unknown;
        if (!isSpecDocument(value)) continue;
        specs++;
        const valid = validate(value);
        const errors = (validate.errors ?? []).filter((error) => error.keyword !== 'oneOf' && error.keyword !== 'const');
        expect(valid, `${where}: ${JSON.stringify(errors.slice(0, 3))}`).toBe(true);
      }
    }
    expect(specs).toBeGreaterThan(30);
  });
});

/** The top-level fields a kind's doc lists in its field table (`| \`name\` | …`); "No fields of its own." is none; an alias page names its kind's page. */
function documentedFields(kind: string): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(join(ROOT, 'docs/kinds', `${kind}.md`), 'utf8');
  } catch {
    return undefined;
  }
  const table = /^\| field \|.*\n\|[-| ]+\|\n((?:\|.*\n)*)/m.exec(text);
  if (table === null) {
    if (/No fields of its own/.test(text)) return [];
    const same = /\]\((\w+)\.md\)/.exec(text);
    return same === null ? undefined : documentedFields(same[1]!);
  }
  // Every `name` of a row's first cell: `url` or `host`/`port`, `auth` names four fields.
  const fields = table[1]!.split('\n').flatMap((row) => [...(/^\|([^|]*)\|/.exec(row)?.[1]?.matchAll(/`([^`]+)`/g) ?? [])].map((match) => match[1]!));
  // `retry.max` and `routes[].method` document `retry` and `routes`.
  return [...new Set(fields.map((field) => field.split(/[.[]/)[0]!))].sort();
}

describe('docs/kinds', () => {
  it.each(scheme.kinds)('%s.md lists exactly the fields of its schema', (kind) => {
    const own = Object.keys(scheme.definition(kind)!.schema.properties).sort();
    const listed = documentedFields(kind);
    if (listed === undefined) {
      // An alias without a page of its own is named in the title of its kind's page: `# upgrader (alias `gateway`)`.
      const titled = readdirSync(join(ROOT, 'docs/kinds')).some((file) => new RegExp(`^# .*\`${kind}\``, 'm').test(readFileSync(join(ROOT, 'docs/kinds', file), 'utf8')));
      expect(titled, `${kind} has no docs/kinds/${kind}.md and no page names it as an alias`).toBe(true);
      return;
    }
    expect(listed).toEqual(own);
  });
});
