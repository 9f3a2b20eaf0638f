import { Type, type TObject } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { WeftError } from '../errors/index.ts';
import type { Node } from '../node/index.ts';
import { describeSpec, isLifecyclePort, isPortName, specSizeProblems, type Spec } from '../spec/index.ts';
import { commonProperties } from './common-schema.ts';
import { declaresPort, type CodecContext, type KindDefinition, type PortDeclaration } from './kind.ts';
import { pointerToPath, type Problem } from './problem.ts';

/** Options of a Scheme: the kinds it knows (usually a table from `schemes/`). */
export interface SchemeOptions {
  readonly kinds: readonly KindDefinition[];
}

/** Field problems past this many are summed up in one last problem: the first ones say enough, and listing 100 000 is slow. */
const MAX_FIELD_PROBLEMS = 100;

interface CompiledKind {
  readonly definition: KindDefinition;
  /** The spec's full schema (common fields and the kind's), compiled into `check` when a spec of the kind is first validated. */
  readonly schema: TObject;
  check?: TypeCheck<TObject>;
}

/**
 * Maps each kind to its spec schema, ports and codec. Validation reports every problem with
 * its path; compile turns a valid spec into a node. An instance, so every runtime and test
 * builds its own.
 */
export class Scheme {
  readonly #kinds = new Map<string, CompiledKind>();

  constructor(options: SchemeOptions) {
    for (const definition of options.kinds) {
      // Compiled on first use: an engine pays only for the kinds its specs use.
      const schema = Type.Object({ ...commonProperties, ...definition.schema.properties }, { additionalProperties: false });
      this.#kinds.set(definition.kind, { definition, schema });
    }
  }

  get kinds(): string[] {
    return [...this.#kinds.keys()];
  }

  definition(kind: string): KindDefinition | undefined {
    return this.#kinds.get(kind)?.definition;
  }

  /** The ports of a spec's kind, or undefined for an unknown kind. */
  portsOf(spec: Spec): PortDeclaration | undefined {
    const ports = this.#kinds.get(spec.kind)?.definition.ports;
    return typeof ports === 'function' ? ports(spec) : ports;
  }

  /**
   * Every problem of one spec on its own: its size (SPEC_LIMITS, checked first so that an
   * oversized spec costs no more), kind, fields (at most 100 listed), and the out-ports its links use (the kind's own or a
   * lifecycle port such as `init`, which every kind has).
   */
  validate(spec: Spec): Problem[] {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      return [{ path: '', code: 'ERR_SPEC_INVALID', message: 'a spec must be an object' }];
    }
    const tooLarge = specSizeProblems(spec);
    if (tooLarge.length > 0) return tooLarge;
    if (typeof spec.kind !== 'string' || spec.kind === '') {
      return [{ path: 'kind', code: 'ERR_SPEC_INVALID', message: 'kind is required' }];
    }
    const compiled = this.#kinds.get(spec.kind);
    if (compiled === undefined) {
      return [{ path: 'kind', code: 'ERR_KIND_UNKNOWN', message: `unknown kind "${spec.kind}" (known: ${this.kinds.join(', ')})` }];
    }
    const problems = fieldProblems((compiled.check ??= TypeCompiler.Compile(compiled.schema)), spec);
    // Other field problems do not hide link problems; malformed links stop here. A port
    // declaration computed from the spec is only asked about a spec whose fields are valid.
    if (problems.some((problem) => /^links(?:$|[.[])/.test(problem.path))) return problems;
    const fieldsValid = problems.length === 0;
    const ports = fieldsValid || typeof compiled.definition.ports !== 'function' ? this.portsOf(spec) : undefined;
    for (const [outName, targets] of Object.entries(spec.links ?? {})) {
      if (!isPortName(outName) || (ports !== undefined && !declaresPort(ports.out, outName) && !isLifecyclePort(outName))) {
        problems.push({ path: isPortName(outName) ? `links.${outName}` : `links[${JSON.stringify(outName)}]`, code: 'ERR_PORT_UNKNOWN', message: `kind ${spec.kind} has no out-port "${outName}"` });
      }
      targets.forEach((target, index) => {
        if (target.id === undefined && target.name === undefined) {
          problems.push({ path: `links.${outName}[${index}]`, code: 'ERR_SPEC_INVALID', message: 'a link target needs a name or an id' });
        }
        if (!isPortName(target.port)) {
          problems.push({ path: `links.${outName}[${index}].port`, code: 'ERR_PORT_NAME_INVALID', message: `port name "${target.port}" is invalid` });
        }
      });
    }
    if (fieldsValid && compiled.definition.validate !== undefined) {
      problems.push(...compiled.definition.validate(spec, (child, path) => this.validate(child).map((found) => underPath(path, found))));
    }
    return problems;
  }

  /** Validates a spec and throws ERR_SPEC_INVALID (or ERR_KIND_UNKNOWN) listing every problem. */
  assertValid(spec: Spec): void {
    const problems = this.validate(spec);
    if (problems.length === 0) return;
    throw invalidSpecError(spec, problems);
  }

  /** Validates, then builds the node through the kind's codec. */
  async compile(spec: Spec, context: CodecContext): Promise<Node> {
    this.assertValid(spec);
    return await this.#kinds.get(spec.kind)!.definition.codec(spec, context);
  }
}

/**
 * The error for a spec with problems: ERR_KIND_UNKNOWN when its own kind is the one problem,
 * ERR_SPEC_TOO_LARGE when every problem is a size limit, else ERR_SPEC_INVALID with them all
 * (`cause`, when given, is what revealed them).
 */
export function invalidSpecError(spec: Spec, problems: readonly Problem[], cause?: unknown): WeftError {
  const where = describeSpec(spec);
  if (problems.length === 1 && problems[0]!.code === 'ERR_KIND_UNKNOWN' && problems[0]!.path === 'kind') {
    return new WeftError('ERR_KIND_UNKNOWN', { spec: where, kind: String(spec.kind) }, { details: problems });
  }
  const text = problems.map((problem) => `${problem.path || '(spec)'}: ${problem.message}`).join('; ');
  const code = problems.length > 0 && problems.every((problem) => problem.code === 'ERR_SPEC_TOO_LARGE') ? 'ERR_SPEC_TOO_LARGE' : 'ERR_SPEC_INVALID';
  return new WeftError(code, { spec: where, problems: text }, { details: problems, cause });
}

/**
 * The schema problems of a spec, one per path (the validator may report one field several
 * ways: missing, then wrong type; the first is kept), at most MAX_FIELD_PROBLEMS of them and
 * then one problem saying how many more there are.
 */
function fieldProblems(check: TypeCheck<TObject>, spec: Spec): Problem[] {
  const problems: Problem[] = [];
  const paths = new Set<string>();
  for (const error of check.Errors(spec)) {
    const path = pointerToPath(error.path);
    if (paths.has(path)) continue;
    paths.add(path);
    if (problems.length < MAX_FIELD_PROBLEMS) problems.push({ path, code: 'ERR_SPEC_INVALID', message: error.message });
  }
  const more = paths.size - problems.length;
  if (more > 0) problems.push({ path: '', code: 'ERR_SPEC_INVALID', message: `and ${more} more fields with problems, not listed` });
  return problems;
}

/** A child spec's problem as a problem of its parent: `path` (`specs[1]`) in front of the child's path. */
function underPath(path: string, problem: Problem): Problem {
  const inner = problem.path === '' ? '' : problem.path.startsWith('[') ? problem.path : `.${problem.path}`;
  return { ...problem, path: path + inner };
}
