import type { Category } from './category.ts';

/** One row of the error catalogue: its category and a message template over `{param}` names. */
export interface ErrorRow {
  readonly category: Category;
  readonly message: string;
  /** What a user who meets the error should do; mirrored in docs/errors.md. */
  readonly hint: string;
}

/**
 * Every error weft raises, by stable code. docs/errors.md lists the same rows; a test keeps
 * the two in sync both ways. Add a row here and a row there; never reuse or rename a code.
 */
export const catalogue = {
  ERR_INTERNAL: {
    category: 'internal',
    message: 'internal error: {reason}',
    hint: 'A bug or an unexpected failure; the log line carries the cause. Please report it.',
  },
  ERR_MULTIPLE: {
    category: 'internal',
    message: '{message}',
    hint: 'Several errors at once (fan-out replies); each one is in the cause chain.',
  },
  ERR_SPEC_INVALID: {
    category: 'invalid argument',
    message: 'spec {spec} is invalid: {problems}',
    hint: 'Fix each listed field; every problem names its path in the spec.',
  },
  ERR_KIND_UNKNOWN: {
    category: 'invalid argument',
    message: 'spec {spec}: unknown kind "{kind}"',
    hint: 'Use one of the kinds the scheme knows (weft kinds lists them) or check for a typo.',
  },
  ERR_PORT_UNKNOWN: {
    category: 'invalid argument',
    message: 'spec {spec}: {direction} port "{port}" does not exist on kind {kind}',
    hint: 'Link from an out-port of the source kind to an in-port of the target kind (see the kind docs).',
  },
  ERR_PORT_NAME_INVALID: {
    category: 'invalid argument',
    message: 'port name "{port}" is invalid',
    hint: 'Port names are a word (in, out, error) or a word with an index (out[0]).',
  },
  ERR_NAME_TAKEN: {
    category: 'already exists',
    message: 'a spec named "{name}" already exists in namespace "{namespace}"',
    hint: 'Names are unique within a namespace: rename the spec, or update the existing one.',
  },
  ERR_ID_TAKEN: {
    category: 'already exists',
    message: 'a spec with id {id} already exists',
    hint: 'Ids are unique across namespaces: leave id out to get a new one, or update the spec.',
  },
  ERR_SPEC_NOT_FOUND: {
    category: 'not found',
    message: 'spec {spec} not found',
    hint: 'Check the id or name and the namespace (-n).',
  },
  ERR_REVISION_CONFLICT: {
    category: 'aborted',
    message: 'spec {spec} was changed meanwhile: revision {given} is stale, the stored one is {stored}',
    hint: 'Someone else updated the spec; read it again (weft get) and re-apply your change on top.',
  },
  ERR_NAMESPACE_IMMUTABLE: {
    category: 'failed precondition',
    message: 'spec {spec} cannot move from namespace "{from}" to "{to}"',
    hint: 'Delete the spec and create it in the other namespace.',
  },
  ERR_STORE_URL_INVALID: {
    category: 'invalid argument',
    message: 'store URL "{url}" is invalid: {reason}',
    hint: 'Use memory://, sqlite://PATH, postgres://… or mongodb://… (docs/stores.md).',
  },
  ERR_STORE_UNAVAILABLE: {
    category: 'unavailable',
    message: 'store is unavailable: {reason}',
    hint: 'Check that the database is reachable; weft retries and keeps serving the loaded nodes.',
  },
  ERR_STORE_CLOSED: {
    category: 'failed precondition',
    message: 'store is closed',
    hint: 'The store was closed before the call; open a new one.',
  },
  ERR_LANGUAGE_UNKNOWN: {
    category: 'invalid argument',
    message: 'language "{language}" is unknown (known: {known})',
    hint: 'Pick one of the listed languages.',
  },
  ERR_SNIPPET_COMPILE: {
    category: 'invalid argument',
    message: '{language} code does not compile: {reason}',
    hint: 'Fix the code; the reason names the first problem.',
  },
  ERR_SNIPPET_RUNTIME: {
    category: 'internal',
    message: 'snippet failed: {reason}',
    hint: 'The snippet threw or returned an unusable value; read the reason.',
  },
  ERR_NODE_CLOSED: {
    category: 'unavailable',
    message: '{node} is closed: it was unloaded',
    hint: 'The node was unloaded while the packet was on its way; retry the request.',
  },
  ERR_LISTEN_FAILED: {
    category: 'unavailable',
    message: 'cannot listen on {address}: {reason}',
    hint: 'Another program holds the port, or the address is not local; change host or port.',
  },
  ERR_HTTP_BODY_INVALID: {
    category: 'invalid argument',
    message: 'request body cannot be decoded as {type}: {reason}',
    hint: 'Send a body that matches its Content-Type.',
  },
  ERR_ROUTER_INPUT: {
    category: 'invalid argument',
    message: 'router input must be a map with string method and path, got {type}',
    hint: 'Link a listener (or anything producing {method, path, …}) to the router in-port.',
  },
  ERR_HTTP_REQUEST_INVALID: {
    category: 'invalid argument',
    message: 'the HTTP request is refused: {reason}',
    hint: 'The server refused the request before any workflow saw it (bad URL, body too large, bad Content-Type); the status says which.',
  },
  ERR_SHUTTING_DOWN: {
    category: 'unavailable',
    message: 'the engine is shutting down and admits no new work',
    hint: 'Retry later or against another instance; in-flight work is being finished.',
  },
  ERR_FILE_UNREADABLE: {
    category: 'invalid argument',
    message: 'cannot read {file}: {reason}',
    hint: 'Check the path given to -f and its permissions.',
  },
  ERR_FILE_PARSE: {
    category: 'invalid argument',
    message: '{file} is not valid YAML or JSON: {reason}',
    hint: 'Fix the syntax at the position given.',
  },
  ERR_CONFIG_INVALID: {
    category: 'invalid argument',
    message: 'configuration is invalid: {reason}',
    hint: 'Fix weft.config.yaml, the WEFT_* variables or the flags as the reason says.',
  },
  ERR_DRAIN_TIMEOUT: {
    category: 'deadline exceeded',
    message: '{count} processes still running after {ms} ms',
    hint: 'In-flight work did not finish before the drain deadline and was abandoned.',
  },
} as const satisfies Record<string, ErrorRow>;

/** A stable error code, e.g. `ERR_SPEC_INVALID`. */
export type ErrorCode = keyof typeof catalogue;
