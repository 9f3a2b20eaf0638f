import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair } from 'yaml';

/** A place in a text: 1-based line and column. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Where the values of a YAML (or JSON) text sit, from the parser's source ranges: a field path
 * as weft prints it (`links.out[0][1].port`, `routes[0]`, `["odd key"]`) under a document (and
 * an entry, when the document is a list of specs) maps to the line and column of that field's
 * key (of the item, in a list). Parsed once, on the first question, so reading specs costs
 * nothing more until a position is wanted.
 */
export class YamlSourceMap {
  readonly #text: string;
  #parsed: { documents: Document.Parsed[]; lines: LineCounter } | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  /**
   * The position of `path` in entry `entry` (undefined: the document is the spec itself) of
   * document `document`; where the path leaves the text (a missing field), the position of the
   * deepest field it reaches, so a missing field points at the spec (or map) that lacks it.
   */
  locate(document: number, entry: number | undefined, path: string): SourcePosition {
    const { documents, lines } = (this.#parsed ??= this.#parse());
    let node: unknown = documents[document]?.contents;
    let at: number | undefined = rangeStart(node);
    if (entry !== undefined && isSeq(node)) {
      node = node.items[entry];
      at = rangeStart(node) ?? at;
    }
    let rest = path;
    while (rest !== '' && node !== undefined) {
      const step = stepInto(node, rest);
      if (step === undefined) break;
      node = step.node;
      at = step.at ?? at;
      rest = step.rest.startsWith('.') ? step.rest.slice(1) : step.rest;
    }
    const { line, col } = lines.linePos(at ?? 0);
    return { line, column: col };
  }

  #parse(): { documents: Document.Parsed[]; lines: LineCounter } {
    const lines = new LineCounter();
    const parsed = parseAllDocuments(this.#text, { lineCounter: lines, uniqueKeys: false, resolveKnownTags: false, logLevel: 'silent' });
    return { documents: Array.isArray(parsed) ? parsed : [], lines };
  }
}

/** One step down `path` from `node`: the child, where it starts (a pair: its key), and the rest of the path. */
function stepInto(node: unknown, path: string): { node: unknown; at: number | undefined; rest: string } | undefined {
  if (isSeq(node)) {
    const match = /^\[(\d+)\]/.exec(path);
    if (match === null) return undefined;
    const item = node.items[Number(match[1])];
    return item === undefined ? undefined : { node: item, at: rangeStart(item), rest: path.slice(match[0].length) };
  }
  if (!isMap(node)) return undefined;
  // The longest key that starts the path and ends where a path part does: `out[0]` is a key of links.
  let best: { pair: Pair; length: number } | undefined;
  for (const item of node.items) {
    if (!isPair(item) || !isScalar(item.key)) continue;
    const key = String(item.key.value);
    for (const written of [key, `[${JSON.stringify(key)}]`]) {
      if (!path.startsWith(written) || !/^(?:$|[.[])/.test(path.slice(written.length))) continue;
      if (best === undefined || written.length > best.length) best = { pair: item, length: written.length };
    }
  }
  if (best === undefined) return undefined;
  return { node: best.pair.value, at: rangeStart(best.pair.key), rest: path.slice(best.length) };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}
