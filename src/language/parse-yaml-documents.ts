import { isAlias, isCollection, isMap, isPair, isScalar, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { jsonStructureProblem } from './json-structure-problem.ts';
import { YAML_LIMITS, type YamlLimits } from './yaml-limits.ts';

/** The values of a YAML text's documents, or why it was refused (`reason` ends with the line and column). */
export type YamlParse =
  | { readonly ok: true; readonly documents: unknown[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Parses every document of a YAML (or JSON) text within the YAML_LIMITS, never throwing and in
 * time linear in the text: the size is checked first; syntax errors, duplicate keys, nesting
 * past `maxDepth`, an alias whose anchor comes later or contains it, and aliases standing for
 * more than `maxAliasNodes` nodes are refused with the position they were found at. The YAML
 * 1.1 tags (`!!set`, `!!binary`, `!!timestamp`…) are not resolved, so values are plain data.
 * A text that is JSON is read by JSON.parse, with the same rules.
 */
export function parseYamlDocuments(text: string, limits: YamlLimits = YAML_LIMITS): YamlParse {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) return { ok: false, reason: `the text is ${bytes} bytes, more than the ${limits.maxBytes} weft parses` };
  const json = parseJson(text, limits);
  if (json !== undefined) return json;
  const lines = new LineCounter();
  // uniqueKeys: false because the library compares each key with every earlier one (quadratic);
  // `check` below finds duplicates with a set instead.
  const parsed = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, resolveKnownTags: false, logLevel: 'silent' });
  const documents = Array.isArray(parsed) ? parsed : [];
  const at = (offset: number | undefined): string => {
    const { line, col } = lines.linePos(offset ?? 0);
    return ` at line ${line}, column ${col}`;
  };
  const values: unknown[] = [];
  for (const document of documents) {
    const error = document.errors[0];
    if (error !== undefined) {
      const reason = error.code === 'RESOURCE_EXHAUSTION' ? `nesting too deep for the parser (${error.message})` : firstLine(error.message);
      return { ok: false, reason: `${reason}${at(error.pos[0])}` };
    }
    const problem = check(document, limits);
    if (problem !== undefined) return { ok: false, reason: `${problem.reason}${at(problem.offset)}` };
    try {
      values.push(document.toJS({ maxAliasCount: limits.maxAliasCount }));
    } catch (thrown) {
      return { ok: false, reason: `${firstLine(thrown instanceof Error ? thrown.message : String(thrown))}${at(document.contents?.range?.[0])}` };
    }
  }
  return { ok: true, documents: values };
}

/**
 * The fast path for JSON, which is YAML too: JSON.parse is two orders of magnitude faster than
 * the YAML parser, and a scan refuses what YAML would (a duplicate key, nesting past the limit).
 * Undefined when the text is not JSON: the YAML parser then reads it and places its errors.
 */
function parseJson(text: string, limits: YamlLimits): YamlParse | undefined {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const problem = jsonStructureProblem(text, limits.maxDepth);
  if (problem === undefined) return { ok: true, documents: [value] };
  const lines = text.slice(0, problem.offset).split('\n');
  return { ok: false, reason: `${problem.reason} at line ${lines.length}, column ${lines.at(-1)!.length + 1}` };
}

/** A limit or rule a document breaks, and where. */
interface Problem {
  readonly reason: string;
  readonly offset: number | undefined;
}

/**
 * Walks a document once, in document order (recursion stops at `maxDepth`): records anchors as
 * they appear, counts what each alias stands for (an anchored node's expanded size is kept once
 * computed), and checks the keys of each map with a set.
 */
function check(document: Document.Parsed, limits: YamlLimits): Problem | undefined {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let aliasNodes = 0;
  let problem: Problem | undefined;
  const fail = (reason: string, node: { range?: readonly number[] | null } | null | undefined): number => {
    problem ??= { reason, offset: node?.range?.[0] ?? undefined };
    return -1;
  };
  /** The nodes `node` stands for, aliases expanded; -1 once a problem is found. */
  const walk = (node: unknown, depth: number): number => {
    if (problem !== undefined) return -1;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) return fail(`alias *${node.source} has no anchor &${node.source} before it`, node);
      if (open.has(target)) return fail(`alias *${node.source} is inside the node it names`, node);
      const size = sizes.get(target) ?? 1;
      aliasNodes += size;
      if (aliasNodes > limits.maxAliasNodes) return fail(`aliases stand for more than ${limits.maxAliasNodes} nodes (an alias bomb?)`, node);
      return size;
    }
    if (isPair(node)) {
      const key = walk(node.key, depth);
      const value = walk(node.value, depth);
      return key < 0 || value < 0 ? -1 : key + value;
    }
    if (!isCollection(node) && !isScalar(node)) return node === null || node === undefined ? 0 : 1;
    if (node.anchor) anchors.set(node.anchor, node);
    if (!isCollection(node)) return record(node, 1);
    if (depth >= limits.maxDepth) return fail(`maps and lists nested deeper than ${limits.maxDepth} levels`, node);
    open.add(node);
    const keys = isMap(node) ? new Set<unknown>() : undefined;
    let size = 1;
    for (const item of node.items) {
      if (keys !== undefined && isPair(item) && (isScalar(item.key) || item.key === null)) {
        const key = isScalar(item.key) ? item.key.value : null;
        if (keys.has(key) && key !== '<<') return fail(`duplicate key ${JSON.stringify(key) ?? String(key)} in a map`, item.key ?? node);
        keys.add(key);
      }
      const child = walk(item, depth + 1);
      if (child < 0) return -1;
      size += child;
    }
    open.delete(node);
    return record(node, size);
  };
  const record = (node: Node, size: number): number => {
    if (node.anchor) sizes.set(node, size);
    return size;
  };
  walk(document.contents, 0);
  return problem;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!;
}
