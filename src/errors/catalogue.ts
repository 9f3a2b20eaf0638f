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
  ERR_SPECS_INVALID: {
    category: 'invalid argument',
    message: '{count} specs are invalid: {problems}',
    hint: 'Fix every listed problem; each path starts with the position of its spec in the list ([1].kind).',
  },
  ERR_OPCODE_UNKNOWN: {
    category: 'invalid argument',
    message: 'spec {spec}: opcode "{opcode}" is unknown (known: {known})',
    hint: 'Set opcode to one of the system calls the runtime offers (docs/kinds/syscall.md); `weft start` offers specs.* and nodes.*.',
  },
  ERR_SYSCALL_PAYLOAD: {
    category: 'invalid argument',
    message: '{opcode} cannot take this payload: {reason}',
    hint: 'Send the payload the opcode expects (docs/kinds/syscall.md): specs to create, a filter to read or delete, patches with an id to update.',
  },
  ERR_DELETE_UNSCOPED: {
    category: 'invalid argument',
    message: '{opcode} refuses an empty filter: it would delete every spec of namespace "{namespace}"',
    hint: 'Name what to delete with id, name or kind (a namespace alone is not enough).',
  },
  ERR_NAMESPACE_PROTECTED: {
    category: 'failed precondition',
    message: 'refusing to delete {count} spec(s) of namespace "{namespace}", which runs this workflow',
    hint: 'Deleting them would stop the running admin workflow; add force: true to the filter if that is what you want.',
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
  ERR_STORE_UNSUITABLE: {
    category: 'failed precondition',
    message: 'store {url} cannot hold weft specs: {reason}',
    hint: 'The database lacks something weft needs (the reason says what); docs/stores.md lists each store\'s requirements, e.g. MongoDB 6.0+ as a replica set or sharded cluster.',
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
  ERR_SNIPPET_TIMEOUT: {
    category: 'deadline exceeded',
    message: 'snippet ran longer than its limit of {ms} ms',
    hint: 'The code loops or waits too long (a promise that never settles counts too); fix it, or raise the snippet timeout.',
  },
  ERR_SNIPPET_MEMORY: {
    category: 'resource exhausted',
    message: 'snippet went over its memory limit of {mb} MiB',
    hint: 'The code builds too much data; build less, or raise the snippet memory (MiB). The snippet is reloaded for the next call.',
  },
  ERR_SNIPPET_LIMITS_INVALID: {
    category: 'invalid argument',
    message: 'snippet limits are invalid: {reason}',
    hint: 'memory is a whole number of MiB from 8 to 16384; timeout is more than 0 ms and at most 2147483647 ms.',
  },
  ERR_SANDBOX_CRASHED: {
    category: 'resource exhausted',
    message: 'the sandbox process running the snippet died ({reason})',
    hint: 'A snippet exhausted its sandbox process (a Map or object grown without bound is a crash V8 cannot stop); the process was replaced and later calls run. Find the snippet that grows data without bound.',
  },
  ERR_SANDBOX_UNAVAILABLE: {
    category: 'unavailable',
    message: 'the JavaScript sandbox process cannot start: {reason}',
    hint: 'Check that isolated-vm is installed and built for this Node version; the reason carries the process output.',
  },
  ERR_SANDBOX_CLOSED: {
    category: 'unavailable',
    message: 'the JavaScript sandbox is closed',
    hint: 'The snippet was unloaded or its runtime closed while the call was on its way; retry the request.',
  },
  ERR_CEL_COST_LIMIT: {
    category: 'resource exhausted',
    message: 'cel expression went over its cost limit of {limit}',
    hint: 'The expression ranges over too much data (nested macros on big lists, cel.bind of big values); simplify it, or raise the cel costLimit (docs/languages/cel.md).',
  },
  ERR_CEL_PATTERN: {
    category: 'invalid argument',
    message: 'cel matches got an invalid pattern: {reason}',
    hint: 'The pattern matches was given at run time (from the payload) is not RE2 syntax (no lookaround, no backreferences); fix the pattern or check it before calling matches.',
  },
  ERR_CONDITION_NOT_BOOL: {
    category: 'internal',
    message: 'condition {field} gave {type}, not a bool',
    hint: 'Conditions are not truthy: write a test that gives true or false, e.g. has(self.x), self.x != null, size(self.items) > 0.',
  },
  ERR_NODE_CLOSED: {
    category: 'unavailable',
    message: '{node} is closed: it was unloaded',
    hint: 'The node was unloaded while the packet was on its way; retry the request.',
  },
  ERR_NODE_UNAVAILABLE: {
    category: 'unavailable',
    message: 'node "{node}" is unavailable: {reason}',
    hint: 'A link points at a node that is not loaded, failed to load or failed to activate; only the paths through it fail. weft get shows its state and the log says why; fix or apply the spec.',
  },
  ERR_RECURSION_LIMIT: {
    category: 'resource exhausted',
    message: 'the workflow recursed too deep: a cycle of nodes has no exit',
    hint: 'A node links back to itself (directly or through others) and nothing ends the loop; add a condition (if/switch) that leaves the cycle, or use the for kind.',
  },
  ERR_PROCESS_DEADLINE: {
    category: 'deadline exceeded',
    message: 'the process ran longer than its maximum duration ({ms} ms) and was ended',
    hint: 'A request, message or tick took too long (a loop, a slow dependency). Find the slow node in the log; raise processTimeoutMs in weft.config.yaml (WEFT_PROCESS_TIMEOUT_MS) if the work is meant to be long.',
  },
  ERR_PROCESS_EXITED: {
    category: 'aborted',
    message: 'the process has ended: the write to {node} was refused',
    hint: 'Work went on after its process ended (the client went away, a deadline passed); nothing is needed, the reply had no reader.',
  },
  ERR_LOOP_INPUT: {
    category: 'invalid argument',
    message: '{kind} input must be a list, got {type}',
    hint: 'Send a list to the for (loop) node: make the upstream produce one, or wrap a single value in a list.',
  },
  ERR_PROCESS_ABORTED: {
    category: 'unavailable',
    message: '{node} stopped waiting: its process ended',
    hint: 'The process the node waited in ended first (its parent exited, the engine shut down); retry the request.',
  },
  ERR_THROW_INPUT: {
    category: 'invalid argument',
    message: 'throw input names an unknown error category "{category}"',
    hint: 'Give a category from docs/errors.md (invalid argument, not found, …) in the payload or the throw spec, or leave it out.',
  },
  ERR_THROWN_INVALID_ARGUMENT: {
    category: 'invalid argument',
    message: '{message}',
    hint: 'Raised on purpose by a throw node of the workflow (docs/kinds/throw.md): the message is the workflow\'s own.',
  },
  ERR_THROWN_NOT_FOUND: {
    category: 'not found',
    message: '{message}',
    hint: 'Raised on purpose by a throw node of the workflow (docs/kinds/throw.md): the message is the workflow\'s own.',
  },
  ERR_THROWN_ALREADY_EXISTS: {
    category: 'already exists',
    message: '{message}',
    hint: 'Raised on purpose by a throw node of the workflow (docs/kinds/throw.md): the message is the workflow\'s own.',
  },
  ERR_THROWN_PERMISSION_DENIED: {
    category: 'permission denied',
    message: '{message}',
    hint: 'Raised on purpose by a throw node of the workflow (docs/kinds/throw.md): the message is the workflow\'s own.',
  },
  ERR_THROWN_UNAUTHENTICATED: {
    category: 'unauthenticated',
    message: '{message}',
    hint: 'Raised on purpose by a throw node of the workflow (docs/kinds/throw.md): the message is the workflow\'s own.',
  },
  ERR_THROWN_RESOURCE_EXHAUSTED: {
    category: 'resource exhausted',
    message: '{message}',
    hint: 'Raised on purpose by a throw node of the workflow (docs/kinds/throw.md): the message is the workflow\'s own.',
  },
  ERR_THROWN_FAILED_PRECONDITION: {
    category: 'failed precondition',
    message: '{message}',
    hint: 'Raised on purpose by a throw node of the workflow (docs/kinds/throw.md): the message is the workflow\'s own.',
  },
  ERR_THROWN_ABORTED: {
    category: 'aborted',
    message: '{message}',
    hint: 'Raised on purpose by a throw node of the workflow (docs/kinds/throw.md): the message is the workflow\'s own.',
  },
  ERR_THROWN_DEADLINE_EXCEEDED: {
    category: 'deadline exceeded',
    message: '{message}',
    hint: 'Raised on purpose by a throw node of the workflow (docs/kinds/throw.md): the message is the workflow\'s own.',
  },
  ERR_THROWN_UNAVAILABLE: {
    category: 'unavailable',
    message: '{message}',
    hint: 'Raised on purpose by a throw node of the workflow (docs/kinds/throw.md): the message is the workflow\'s own.',
  },
  ERR_THROWN_UNIMPLEMENTED: {
    category: 'unimplemented',
    message: '{message}',
    hint: 'Raised on purpose by a throw node of the workflow (docs/kinds/throw.md): the message is the workflow\'s own.',
  },
  ERR_THROWN_INTERNAL: {
    category: 'internal',
    message: '{message}',
    hint: 'Raised on purpose by a throw node of the workflow (docs/kinds/throw.md): the message is the workflow\'s own.',
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
  ERR_QUEUE_PUBLISH: {
    category: 'unavailable',
    message: 'cannot publish to queue "{queue}" on {url}: {reason}',
    hint: 'Check that the broker is reachable and the queue exists or may be created; the publisher waits at most its timeout for a confirmation.',
  },
  ERR_QUEUE_PAYLOAD_INVALID: {
    category: 'invalid argument',
    message: 'the payload cannot be published: {reason}',
    hint: 'Publish bytes, a string or a JSON value (no bigint, functions or cycles); an error payload is not published.',
  },
  ERR_QUEUE_MESSAGE_INVALID: {
    category: 'invalid argument',
    message: 'message {id} on queue "{queue}" cannot be decoded: {reason}',
    hint: 'The body does not match its content type; the message goes to the dead-letter queue with this error. Fix the producer.',
  },
  ERR_QUEUE_UNAVAILABLE: {
    category: 'unavailable',
    message: 'queue broker {url} is unavailable: {reason}',
    hint: 'Check the URL and that the broker runs; consumers retry with backoff and log when it is back.',
  },
  ERR_CONSUMER_NOT_FOUND: {
    category: 'not found',
    message: 'no consumer named "{name}" runs in namespace "{namespace}"',
    hint: 'Check the name given to queues.stats; leave it out to list every consumer.',
  },
} as const satisfies Record<string, ErrorRow>;

/** A stable error code, e.g. `ERR_SPEC_INVALID`. */
export type ErrorCode = keyof typeof catalogue;
