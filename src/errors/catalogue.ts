import type { Category } from './category.ts';

/** One row of the error catalogue: its category and a message template over `{param}` names. */
export interface ErrorRow {
  readonly category: Category;
  readonly message: string;
  /** What a user who meets the error should do; mirrored in docs/errors.md. */
  readonly hint: string;
  /**
   * The HTTP status when it is not the category's (`httpStatusOf`): HTTP-specific refusals
   * with a status of their own (413, 415), and limits a workflow hits on the server (a
   * snippet's memory, CEL cost, recursion: 500), since 429 is kept for admission limits.
   */
  readonly status?: number;
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
  ERR_SPEC_TOO_LARGE: {
    category: 'invalid argument',
    message: 'spec {spec} is too large: {problems}',
    hint: 'A spec holds at most 1 MiB of JSON, 10000 entries in any one map or list, and 64 levels of nesting (docs/cli.md, Limits); the path names the field: move bulk data out of the spec, or split it over several specs.',
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
    message: 'refusing to {action} {count} spec(s) of namespace "{namespace}", which runs this workflow',
    hint: 'Deleting or patching them can stop the running admin workflow; add force: true to the filter (delete) or the patch (update), ?force=true in the admin API, if that is what you want.',
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
  ERR_STORE_ACCESS_DENIED: {
    category: 'unavailable',
    message: 'the store refused access: {reason}',
    hint: 'The database rejected the user or password of the store URL, or the user may not use the database or schema; fix the URL or the grants (docs/stores.md). weft start keeps retrying meanwhile.',
  },
  ERR_STORE_CLOSED: {
    category: 'failed precondition',
    message: 'store is closed',
    hint: 'The store was closed before the call; open a new one.',
  },
  ERR_LEASE_INVALID: {
    category: 'invalid argument',
    message: 'lease "{key}" cannot be taken: {reason}',
    hint: 'Give a non-empty key and holder (at most 200 characters), a TTL of 1 ms to 24 h in whole milliseconds, and JSON data of at most 16 KiB (docs/stores.md, Leases).',
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
    status: 500,
    message: 'snippet went over its memory limit of {mb} MiB',
    hint: 'The code builds too much data; build less, or raise the snippet memory (MiB). The snippet is reloaded for the next call.',
  },
  ERR_SNIPPET_LIMITS_INVALID: {
    category: 'invalid argument',
    message: 'snippet limits are invalid: {reason}',
    hint: 'memory is a whole number of MiB from 8 to 16384; timeout is more than 0 ms and at most 60 s (60000 ms).',
  },
  ERR_SNIPPET_PAYLOAD_TOO_LARGE: {
    category: 'resource exhausted',
    status: 500,
    message: 'snippet {what} of {size} is over the payload limit of {mb} MiB',
    hint: 'A snippet argument or result is measured in characters of its JSON text (bytes of byte arrays); send or build less, or raise the javascript payloadMb limit (docs/languages/javascript.md).',
  },
  ERR_SANDBOX_CRASHED: {
    category: 'unavailable',
    message: 'the sandbox process running the snippet died ({reason})',
    hint: 'The sandbox process died under the call (killed from outside, or a crash no snippet was found responsible for); it was replaced and later calls run, so retrying is safe. The engine log names the snippets it was running.',
  },
  ERR_SANDBOX_BUSY: {
    category: 'unavailable',
    message: 'the JavaScript sandbox is busy: the call waited {ms} ms without starting',
    hint: 'Every sandbox process was busy (a slow snippet, or more calls than they can take); retry later, make the slow snippet faster, or add sandbox processes.',
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
    status: 500,
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
    status: 500,
    message: 'the workflow recursed too deep: a cycle of nodes has no exit',
    hint: 'A node links back to itself (directly or through others) and nothing ends the loop; add a condition (if/switch) that leaves the cycle, or use the for kind.',
  },
  ERR_INIT_FAILED: {
    category: 'unavailable',
    message: 'node "{node}" failed to initialise: {reason}',
    hint: 'The node\'s init port (docs/concepts.md, lifecycle ports) answered an error, threw or did not answer in time, so the node is not loaded: links to it answer 503 and the load is retried with backoff (an update keeps the previous version serving). Fix what init links to, or the spec.',
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
  ERR_TLS_INVALID: {
    category: 'invalid argument',
    message: '{field}: {reason}',
    hint: 'Give readable PEM files: tls.cert the certificate (chain), tls.key its private key (with tls.passphrase when encrypted); they must belong together.',
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
    hint: 'The server refused the request before any workflow saw it (a malformed URL or Content-Type, a body cut short); the status says which.',
  },
  ERR_HTTP_BODY_TOO_LARGE: {
    category: 'resource exhausted',
    status: 413,
    message: 'the request body is too large: {reason}',
    hint: 'Send a smaller body, or raise limits.bodySize of the listener (docs/kinds/listener.md); a compressed body may not expand beyond it, nor more than 100 times its size.',
  },
  ERR_HTTP_ENCODING_UNSUPPORTED: {
    category: 'invalid argument',
    status: 415,
    message: 'Content-Encoding "{encoding}" is not supported: {reason}',
    hint: 'Send the body as it is, or compressed once with gzip, deflate or br.',
  },
  ERR_RATE_LIMITED: {
    category: 'resource exhausted',
    message: 'listener {node} allows {max} requests per {window} per client: too many requests',
    hint: 'Wait for the number of seconds in Retry-After, or raise rateLimit.max of the listener (docs/kinds/listener.md).',
  },
  ERR_NODE_VERSION: {
    category: 'failed precondition',
    message: 'weft needs Node.js 22.12 or newer; this is {version}',
    hint: 'Install Node.js 24 LTS (nvm install 24, or your package manager) and run weft with it, in every terminal you use.',
  },
  ERR_AUTH_REQUIRED: {
    category: 'unauthenticated',
    message: 'authentication required: {reason}',
    hint: 'Send a token as "Authorization: Bearer TOKEN" (create one with weft token create, docs/auth.md); a local development engine may run with --insecure instead.',
  },
  ERR_AUTH_FORBIDDEN: {
    category: 'permission denied',
    message: 'token {token} has role {role}; this needs {needed}',
    hint: 'Use a token with a role that allows it (read < write < admin), or create one with weft token create --role ROLE (docs/auth.md).',
  },
  ERR_OPS_ADDRESS_INVALID: {
    category: 'invalid argument',
    message: 'ops address "{address}": {reason}',
    hint: 'Give --ops (WEFT_OPS, ops:) as HOST:PORT on a loopback host, e.g. 127.0.0.1:9464; a public host needs --ops-bind-public (docs/operations.md).',
  },
  ERR_OPS_ROUTE_NOT_FOUND: {
    category: 'not found',
    message: 'the ops plane has no route {method} {path}',
    hint: 'See docs/operations.md for the routes: /metrics, /v1/metrics, /healthz, /readyz, /v1/events and the control routes.',
  },
  ERR_OPS_MESSAGE_INVALID: {
    category: 'invalid argument',
    message: 'event stream message refused: {reason}',
    hint: 'Send JSON {"type": "subscribe", "id": "...", "filter": {...}} or {"type": "unsubscribe", "id": "..."} (docs/operations.md, Event stream).',
  },
  ERR_AUTH_UNAVAILABLE: {
    category: 'unavailable',
    message: 'credentials cannot be checked now: {reason}',
    hint: 'The store (API tokens) or the JWKS URL did not answer; the request was refused rather than let through. Retry; check the store and jwt.jwks.',
  },
  ERR_TOKEN_INVALID: {
    category: 'invalid argument',
    message: 'the token request is invalid: {reason}',
    hint: 'Fix the named field (weft token create NAME --role read|write|admin [--expires 30d]; docs/auth.md).',
  },
  ERR_TOKEN_NAME_TAKEN: {
    category: 'already exists',
    message: 'a token named "{name}" already exists',
    hint: 'Token names are unique in a store: pick another name, or revoke the old token first (weft token revoke NAME).',
  },
  ERR_TOKEN_NOT_FOUND: {
    category: 'not found',
    message: 'no token {token}',
    hint: 'weft token list shows the tokens by id and name.',
  },
  ERR_CORS_ORIGIN_NOT_ALLOWED: {
    category: 'permission denied',
    message: 'cross-origin requests from "{origin}" are not allowed',
    hint: 'Add the origin (scheme://host[:port], as the browser sends it) to cors.origins of the listener (docs/kinds/listener.md).',
  },
  ERR_HTTP_HOST_NOT_ALLOWED: {
    category: 'permission denied',
    message: 'requests for host "{host}" are not served here',
    hint: 'The admin API answers only requests addressed to localhost, 127.0.0.1, [::1] or a name given with --admin-host (WEFT_ADMIN_HOSTS): a guard against DNS rebinding.',
  },
  ERR_LISTEN_NOT_ALLOWED: {
    category: 'permission denied',
    message: 'listener {node} may not bind {host}: this runtime serves loopback addresses only',
    hint: 'The system namespace (the admin API) binds 127.0.0.1, ::1 or localhost; start it with --admin-bind-public (WEFT_ADMIN_BIND_PUBLIC=true) to bind a wider address, and list the names clients use with --admin-host.',
  },
  ERR_REPLY_STATUS: {
    category: 'internal',
    message: 'listener {node} got a reply with status {status}: a response status is an integer from 200 to 599 (0 means 200)',
    hint: 'Fix the node that builds the {status, header, body} reply; the client got a 500 and the log names the listener.',
  },
  ERR_REPLY_HEADER: {
    category: 'internal',
    message: 'listener {node} cannot send the reply header "{header}": {reason}',
    hint: 'Header names are tokens and values may not hold CR, LF or other control characters (no header injection); fix the node that builds the reply.',
  },
  ERR_CLIENT_CLOSED: {
    category: 'aborted',
    message: 'the client of listener {node} closed the connection before the reply',
    hint: 'Nothing to do on the server: the request\'s process was ended, its waits stopped and its transactions rolled back.',
  },
  ERR_HTTP_CLIENT_INPUT: {
    category: 'invalid argument',
    message: 'http request cannot be built from the payload: {reason}',
    hint: 'Send a body, or a request map {method, path, query, header, body, status: 0} whose method and path are strings and whose query and header are maps (docs/kinds/http.md).',
  },
  ERR_HTTP_TIMEOUT: {
    category: 'deadline exceeded',
    message: 'request to {url} got no complete response within {ms} ms',
    hint: 'The server is slow or does not answer; raise the http node\'s timeout, or check the server.',
  },
  ERR_HTTP_CONNECT: {
    category: 'unavailable',
    message: 'cannot connect to {url}: {reason}',
    hint: 'The server is down, its host does not resolve or its port is closed; check the http node\'s url and that the server runs.',
  },
  ERR_HTTP_TRANSPORT: {
    category: 'unavailable',
    message: 'request to {url} failed on the way: {reason}',
    hint: 'The connection broke or the server spoke broken HTTP; retry (the retry kind), or check the server.',
  },
  ERR_HTTP_RESPONSE_TOO_LARGE: {
    category: 'resource exhausted',
    status: 502,
    message: 'response from {url} is larger than {max} bytes',
    hint: 'Ask the server for less, or raise maxResponseBytes on the http node.',
  },
  ERR_HTTP_RESPONSE_INVALID: {
    category: 'unavailable',
    message: 'response from {url} cannot be decoded: {reason}',
    hint: 'The server sent a body that does not match its Content-Type or Content-Encoding; fix the server, or have it send another type.',
  },
  ERR_EXEC_INPUT: {
    category: 'invalid argument',
    message: 'exec input cannot be sent as JSON: {reason}',
    hint: 'Send JSON values to an exec node (maps, lists, strings, numbers, booleans, null); bytes are not JSON.',
  },
  ERR_EXEC_SPAWN: {
    category: 'unavailable',
    message: 'cannot start handler {command}: {reason}',
    hint: 'Check command (an absolute path, or a name on PATH, executable), args and cwd of the exec node.',
  },
  ERR_EXEC_FAILED: {
    category: 'internal',
    message: 'handler {command} failed: {reason}',
    hint: 'The handler exited with a non-zero code (mode once) or answered with an error (mode worker); the reason and the logged stderr say why.',
  },
  ERR_EXEC_CRASHED: {
    category: 'unavailable',
    message: 'handler {command} died: {reason}',
    hint: 'It was killed by a signal, or a worker exited with calls in flight; the next call starts a new worker. Its logged stderr says why.',
  },
  ERR_EXEC_OUTPUT_INVALID: {
    category: 'internal',
    message: 'handler {command} wrote output that is not a JSON reply: {reason}',
    hint: 'Write one JSON value to stdout (mode once) or one JSON line {"id", "reply"} per request (mode worker); write logs to stderr.',
  },
  ERR_EXEC_OUTPUT_TOO_LARGE: {
    category: 'resource exhausted',
    status: 500,
    message: 'handler {command} wrote more than {max} bytes',
    hint: 'Reply with less, or raise maxOutputBytes on the exec node.',
  },
  ERR_EXEC_TIMEOUT: {
    category: 'deadline exceeded',
    message: 'handler {command} did not reply within {ms} ms',
    hint: 'The handler is slow or stuck (mode once: it was killed); fix it, or raise the exec node\'s timeout.',
  },
  ERR_RUNTIME_API_UNAUTHENTICATED: {
    category: 'unauthenticated',
    message: 'the runtime API needs the engine\'s token',
    hint: 'Send Authorization: Bearer $WEFT_RUNTIME_TOKEN, from the environment the handler was started with.',
  },
  ERR_RUNTIME_API_REQUEST: {
    category: 'invalid argument',
    message: 'runtime API request refused: {reason}',
    hint: 'POST /v1/nodes/NAME with a JSON body, and the weft-call header from the handler\'s call when it has one (docs/kinds/exec.md).',
  },
  ERR_SQL_INPUT: {
    category: 'invalid argument',
    message: 'sql input is invalid: {reason}',
    hint: 'Send "SQL" or ["SQL", args]: a list for ? parameters, a map (or a list of maps) for :name parameters (docs/kinds/sql.md).',
  },
  ERR_SQL_QUERY: {
    category: 'invalid argument',
    message: '{driver} refused the statement: {reason}',
    hint: 'Fix the SQL (syntax, table and column names, parameter count and types); parameters are bound, never pasted into the text.',
  },
  ERR_SQL_CONSTRAINT: {
    category: 'failed precondition',
    message: '{driver} statement violates a constraint: {reason}',
    hint: 'A unique key, foreign key, not-null or check constraint refused the row; change the data or the order of writes.',
  },
  ERR_SQL_CONFLICT: {
    category: 'aborted',
    message: '{driver} aborted the transaction: {reason}',
    hint: 'A serialization failure or deadlock with another transaction; the process\'s transaction is rolled back, retry the request.',
  },
  ERR_SQL_UNAVAILABLE: {
    category: 'unavailable',
    message: 'cannot use the {driver} database: {reason}',
    hint: 'Check that the database is reachable with the sql node\'s source (host, port, credentials, file path).',
  },
  ERR_INVOKE_DATA: {
    category: 'invalid argument',
    message: '--data is not usable: {reason}',
    hint: 'Give JSON text, @FILE with JSON in it, or @- to read JSON from standard input.',
  },
  ERR_SHUTTING_DOWN: {
    category: 'unavailable',
    message: 'the engine is shutting down and admits no new work',
    hint: 'Retry later or against another instance; in-flight work is being finished.',
  },
  ERR_BACKLOG_FULL: {
    category: 'unavailable',
    message: 'the namespace is paused and its backlog of {limit} is full',
    hint: 'Retry after the seconds in Retry-After; an operator resumes the namespace with weft resume, or raises the backlog bound (backlog, WEFT_BACKLOG; docs/operations.md, Control).',
  },
  ERR_NAMESPACE_NOT_RUN: {
    category: 'not found',
    message: 'namespace {namespace} is not run by this engine (it runs {running})',
    hint: 'Send the request to the ops address of the engine that runs that namespace, or give the right -n.',
  },
  ERR_NODE_NOT_FOUND: {
    category: 'not found',
    message: 'namespace {namespace} has no node {node}',
    hint: 'Check the name with weft get -n NAMESPACE; inject addresses a node by its name.',
  },
  ERR_NODE_NOT_ACTIVE: {
    category: 'failed precondition',
    message: 'node {node} is {state}, not active',
    hint: 'Fix what keeps it from loading (weft status shows its problems and missing links), then inject again.',
  },
  ERR_INJECT_INVALID: {
    category: 'invalid argument',
    message: 'inject request is invalid: {reason}',
    hint: 'Send a JSON body {port, value}: port names an in-port of the node (default in), value is the payload.',
  },
  ERR_REVISION_NOT_KEPT: {
    category: 'not found',
    message: 'revision {revision} of {node} is not kept by this engine (it keeps {kept})',
    hint: 'The ops console keeps only the revisions this engine has seen since it started, and a bounded number of them (docs/ui.md); ask for one it lists under /revisions.',
  },
  ERR_OPS_QUERY_INVALID: {
    category: 'invalid argument',
    message: 'query parameter {name} is invalid: {reason}',
    hint: 'See docs/ui.md for the console routes and their parameters.',
  },
  ERR_OPS_UNREACHABLE: {
    category: 'unavailable',
    message: 'cannot reach the ops plane at {address}: {reason}',
    hint: 'Start the engine with --ops HOST:PORT (or ops: in weft.config.yaml) and give the same address to the CLI with --ops or WEFT_OPS.',
  },
  ERR_UP_NO_NAMESPACES: {
    category: 'invalid argument',
    message: 'weft up has no engine to run: {reason}',
    hint: 'List the namespaces to run under `namespaces:` in weft.config.yaml (docs/deploy.md), each with `replicas` of 1 or more (the default).',
  },
  ERR_SUPERVISOR_RUNNING: {
    category: 'failed precondition',
    message: 'weft up already runs here (pid {pid}, control socket {socket})',
    hint: 'One weft up per run directory: stop the running one (SIGTERM), use it (weft ps, weft up --restart NS), or give this one another --run-dir.',
  },
  ERR_SUPERVISOR_UNREACHABLE: {
    category: 'unavailable',
    message: 'no weft up answers at {socket}: {reason}',
    hint: 'Start weft up first, from the same config directory (or give the same -c / --run-dir).',
  },
  ERR_UP_NAMESPACE_UNKNOWN: {
    category: 'not found',
    message: 'weft up runs no namespace {namespace}',
    hint: 'weft ps lists the namespaces weft up runs; add the namespace under `namespaces:` in weft.config.yaml and restart weft up.',
  },
  ERR_OPS_ADDRESS: {
    category: 'invalid argument',
    message: 'ops address {address} is not usable: {reason}',
    hint: 'Give the ops plane\'s address as HOST:PORT (e.g. 127.0.0.1:9464) with --ops, WEFT_OPS or ops: in weft.config.yaml.',
  },
  ERR_FILE_UNREADABLE: {
    category: 'invalid argument',
    message: 'cannot read {file}: {reason}',
    hint: 'Check the path given to -f and its permissions.',
  },
  ERR_FILE_PARSE: {
    category: 'invalid argument',
    message: '{file} is not valid YAML or JSON: {reason}',
    hint: 'Fix the syntax at the position given; a duplicate key, an alias without anchor, aliases standing for over 100000 nodes or nesting past 100 levels are refused there too (docs/cli.md, Limits).',
  },
  ERR_FILE_TOO_LARGE: {
    category: 'invalid argument',
    message: '{file} is too large: {reason}',
    hint: 'A file or standard input holds at most 8 MiB of specs (docs/cli.md, Limits); split the specs over several files of a directory.',
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
  ERR_IMAP_UNAVAILABLE: {
    category: 'unavailable',
    message: 'IMAP server {server} is unavailable: {reason}',
    hint: 'Check the url or host and port, TLS (secure) and that the server runs; an imap source retries with backoff (logging once when it goes away and once when it is back) and the engine keeps serving.',
  },
  ERR_IMAP_AUTH_FAILED: {
    category: 'unauthenticated',
    message: 'IMAP server {server} refused the login: {reason}',
    hint: 'Check auth.user and auth.pass (or the values and environment variables their templates name); the source keeps retrying with backoff, and a changed value reloads it.',
  },
  ERR_IMAP_MAILBOX_NOT_FOUND: {
    category: 'not found',
    message: 'IMAP server {server} has no mailbox "{mailbox}"',
    hint: 'Create the mailbox or fix the mailbox (or moveTo) field; hierarchy levels are separated as the server does it (often / or .).',
  },
  ERR_IMAP_MESSAGE_INVALID: {
    category: 'invalid argument',
    message: 'the message cannot be appended: {reason}',
    hint: 'Send imap-append {from, to, subject, text} (html, cc, inReplyTo, references and headers optional), or {raw} with a whole RFC 5322 message (docs/kinds/imap-append.md).',
  },
  ERR_CONSUMER_NOT_FOUND: {
    category: 'not found',
    message: 'no consumer named "{name}" runs in namespace "{namespace}"',
    hint: 'Check the name given to queues.stats; leave it out to list every consumer.',
  },
  ERR_WS_CONNECT: {
    category: 'unavailable',
    message: 'cannot open a WebSocket to {url}: {reason}',
    hint: 'The server is down, does not resolve, refused the port or refused the handshake (the reason says which); check the websocket node’s url and that the server runs.',
  },
  ERR_WS_TIMEOUT: {
    category: 'deadline exceeded',
    message: 'the WebSocket to {url} did not open within {ms} ms',
    hint: 'The server accepts the connection but does not complete the handshake in time; raise the websocket node’s timeout, or check the server.',
  },
  ERR_WS_HANDSHAKE: {
    category: 'invalid argument',
    message: 'the request cannot be upgraded to a WebSocket: {reason}',
    hint: 'The client sent an upgrade request that is not a valid WebSocket handshake (RFC 6455 §4.2.1): check its Connection, Upgrade, Sec-WebSocket-Key and Sec-WebSocket-Version headers.',
  },
  ERR_WS_NOT_UPGRADE: {
    category: 'failed precondition',
    message: '{node}: this process has no HTTP upgrade request to take over',
    hint: 'Link a listener route to the upgrader’s io port: only a request the listener received with an Upgrade header can be upgraded, once, in its own request process.',
  },
  ERR_WS_NO_CONNECTION: {
    category: 'failed precondition',
    message: '{node}: this process holds no WebSocket connection',
    hint: 'Send to in only from a process that runs under a connection (a frame on out, or after io opened one); to reach a connection from elsewhere use the send kind with its id.',
  },
  ERR_WS_CLOSED: {
    category: 'unavailable',
    message: 'WebSocket connection {connection} is closed',
    hint: 'The peer went away or the connection is closing; frames can no longer be sent on it.',
  },
  ERR_WS_SEND_INVALID: {
    category: 'invalid argument',
    message: 'send cannot take this payload: {reason}',
    hint: 'Send {connection, data}, {room, data}, {join: room, connection} or {leave: room, connection} (docs/kinds/send.md); connection is an id or a list of ids.',
  },
  ERR_WS_CLUSTER_UNAVAILABLE: {
    category: 'unavailable',
    message: 'the WebSocket cluster {url} is unavailable: {reason}',
    hint: 'Check the cluster URL and that Redis runs; the node does not load until it answers.',
  },
  ERR_GRPC_PROTO_INVALID: {
    category: 'invalid argument',
    message: 'cannot use the .proto file {proto}: {reason}',
    hint: 'The file is missing, does not parse (the reason gives the line), declares no service the package/services filter selects, or gives two methods the same port; fix the file or the proto path, which is relative to the engine\'s working directory (docs/kinds/grpc.md).',
  },
  ERR_GRPC_METHOD_UNKNOWN: {
    category: 'invalid argument',
    message: '{node}: {name} names no method of the .proto file (it has: {known})',
    hint: 'A gRPC listener\'s out-ports are its methods, named Service-Method, and a grpc client\'s method is package.Service/Method (docs/kinds/grpc.md); use one of the listed names, or add the method to the .proto file.',
  },
  ERR_GRPC_METHOD_GONE: {
    category: 'unimplemented',
    message: '{node}: {method} is no longer served',
    hint: 'The call waited in a paused namespace\'s backlog while the listener was reloaded without this method (or its port unlinked); the client gets UNIMPLEMENTED, as a new call would.',
  },
  ERR_GRPC_REPLY_INVALID: {
    category: 'internal',
    message: 'the reply cannot be sent as a gRPC message: {reason}',
    hint: 'A gRPC method\'s reply must be a map of the response message\'s fields (a list of them for a streaming response); make the workflow\'s last node return one.',
  },
  ERR_GRPC_CLIENT_INPUT: {
    category: 'invalid argument',
    message: 'grpc {method} cannot take this payload: {reason}',
    hint: 'Send the request message as a map, or a list of them for a client- or bidirectional-streaming method (docs/kinds/grpc.md).',
  },
  ERR_GRPC_STATUS: {
    category: 'unavailable',
    message: '{method} failed with {status} ({code}): {details}',
    hint: 'The gRPC server answered with an error status (or could not be reached: UNAVAILABLE, DEADLINE_EXCEEDED); the status and the server\'s weft code, if any, are in the error\'s details. A weft gRPC listener passes the status on unchanged.',
  },
  ERR_VALUE_INVALID: {
    category: 'invalid argument',
    message: 'value "{name}" is invalid: {reason}',
    hint: 'Fix the named field: a name starts with a letter or _ and holds letters, digits, _ and -; data is JSON of at most 64 KiB (docs/values.md).',
  },
  ERR_VALUE_NOT_FOUND: {
    category: 'not found',
    message: 'value "{name}" does not exist in namespace "{namespace}"',
    hint: 'Check the name and namespace (`weft values get -n NS` lists them), or set it with `weft values set`.',
  },
  ERR_TEMPLATE_UNRESOLVED: {
    category: 'failed precondition',
    message: '{field}: {template} cannot be resolved: {reason}',
    hint: 'A spec field names a value or environment variable that is missing: set the value (`weft values set NAME …`) or the variable; the node loads as soon as the value exists (docs/values.md).',
  },
  ERR_SECRET_KEY_MISSING: {
    category: 'failed precondition',
    message: 'secret "{name}" needs a master key, and none is given',
    hint: 'Give the master key in WEFT_SECRET_KEY (base64 of 32 bytes) or WEFT_SECRET_KEY_FILE (docs/values.md, Keys).',
  },
  ERR_SECRET_KEY_INVALID: {
    category: 'invalid argument',
    message: 'the secret key from {source} is unusable: {reason}',
    hint: 'A master key is 32 random bytes in base64, e.g. `openssl rand -base64 32` (docs/values.md, Keys).',
  },
  ERR_SECRET_UNREADABLE: {
    category: 'permission denied',
    message: 'secret "{name}" cannot be decrypted: {reason}',
    hint: 'The master key given is not the one the secret was sealed with: give the right key, or the old one in WEFT_SECRET_KEY_PREVIOUS while rotating (docs/values.md, Rotation).',
  },
  ERR_FILE_READ: {
    category: 'unavailable',
    message: 'cannot read {path}: {reason}',
    hint: 'The file source cannot open or read its file: check the path (relative to the engine’s working directory) and its permissions; without follow: true a missing file is not waited for. The node reads again when its spec is applied again.',
  },
  ERR_FILE_RECORD_INVALID: {
    category: 'invalid argument',
    message: 'line {line} of {path} cannot be read as {format}: {reason}',
    hint: 'The line is not valid NDJSON or CSV; it went to the file source’s error port with its line number and text (details.line, details.text). Fix the producer of the file.',
  },
  ERR_FILE_WRITE: {
    category: 'unavailable',
    message: 'cannot write {path}: {reason}',
    hint: 'The file sink cannot append to its file: check that the directory exists, the permissions and the free space.',
  },
  ERR_FILE_PAYLOAD_INVALID: {
    category: 'invalid argument',
    message: 'the payload cannot be written as {format}: {reason}',
    hint: 'Send JSON data to an ndjson or lines file sink (no bigint or cycles) and objects to a csv one.',
  },
  ERR_UNBATCH_PAYLOAD: {
    category: 'invalid argument',
    message: 'unbatch needs an array, not {type}',
    hint: 'Link unbatch after a node that sends arrays (a batching file source or consumer, an accumulator).',
  },
  ERR_AGGREGATE_VALUE: {
    category: 'invalid argument',
    message: 'record {index}: {field} {reason}',
    hint: 'The aggregate’s by expression must give a string, number or boolean and each values expression a finite number for every record; the whole array was refused, nothing was added. Validate records before the aggregate.',
  },
  ERR_LINK_DANGLING: {
    category: 'invalid argument',
    message: 'spec {spec}: link {link} points at "{target}", which is neither in the files nor stored in namespace "{namespace}"',
    hint: 'Fix the target\'s name (or id), add the spec it names, or pass --allow-dangling when it is applied later (links bind late): the finding is then a warning.',
  },
  ERR_NODE_UNREACHABLE: {
    category: 'invalid argument',
    message: 'spec {spec} is reached by no link from a source (a listener, consumer, schedule, signal or init link)',
    hint: 'A warning of weft lint: link the node from the workflow that should run it, or delete it; nodes only called by weft invoke may stay.',
  },
  ERR_LISTENER_UNROUTED: {
    category: 'invalid argument',
    message: 'spec {spec}: the listener links nothing to out',
    hint: 'A warning of weft lint: link out to a router (or another node) that answers the requests (docs/kinds/listener.md).',
  },
  ERR_LINT_FAILED: {
    category: 'invalid argument',
    message: '{errors} error(s) and {warnings} warning(s) in {files} file(s)',
    hint: 'weft lint found errors; fix each finding at the file:line:column it names.',
  },
  ERR_TEST_FILE: {
    category: 'invalid argument',
    message: 'bad test file {where}: {reason}',
    hint: 'weft test reads *.test.yaml files in the format of docs/testing.md; fix the field at the line it names.',
  },
} as const satisfies Record<string, ErrorRow>;

/** A stable error code, e.g. `ERR_SPEC_INVALID`. */
export type ErrorCode = keyof typeof catalogue;
