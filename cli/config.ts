import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
// Narrow imports, not the kernel's barrel: every command reads the configuration (docs/cli.md, start-up time).
import { JwtSchema } from '../src/auth/jwt-schema.ts';
import { WeftError } from '../src/errors/index.ts';
import { parseYamlDocuments } from '../src/language/parse-yaml-documents.ts';
import { pointerToPath } from '../src/scheme/problem.ts';
import { DEFAULT_NAMESPACE } from '../src/spec/spec.ts';
import { DEFAULT_STORE_URL } from '../src/store/open-store.ts';
import type { CliIO } from './io.ts';

/** Where javascript/typescript snippets run: supervised sandbox processes, or isolates in the engine (trusted code). */
const SandboxSchema = Type.Union([Type.Literal('process'), Type.Literal('in-process')], {
  description: 'Where javascript/typescript isolates run (WEFT_SANDBOX, --sandbox): process (default) or in-process (trusted code only).',
});

/** One namespace's settings in the config file: what `weft start -n NS` uses, and how `weft up` runs it. */
const NamespaceSettingsSchema = Type.Object({
  store: Type.Optional(Type.String({ minLength: 1, description: 'Store URL of this namespace, instead of the top-level `store`.' })),
  sandbox: Type.Optional(SandboxSchema),
  replicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 64, description: 'How many engines `weft up` runs for this namespace (default 1; 0: none).' })),
  ops: Type.Optional(Type.String({ minLength: 1, description: 'Ops plane address of its engines under `weft up`, HOST:PORT; replica N listens on PORT+N (default 127.0.0.1:0, a free port).' })),
  args: Type.Optional(Type.Array(Type.String(), { description: 'More `weft start` arguments for its engines under `weft up`, e.g. [-f, flows/orders.yaml].' })),
  env: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String(), { description: 'Environment variables of its engines under `weft up`, besides weft up\'s own.' })),
}, { additionalProperties: false });

/** One namespace's settings in the config file. */
export type NamespaceSettings = Static<typeof NamespaceSettingsSchema>;

/** The settings every command reads; see docs/cli.md for the layers. */
export const ConfigSchema = Type.Object(
  {
    store: Type.String({ minLength: 1, description: 'Store URL (WEFT_STORE, --store).' }),
    namespace: Type.String({ minLength: 1, description: 'Namespace (WEFT_NAMESPACE, -n).' }),
    logLevel: Type.Union(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].map((level) => Type.Literal(level)), {
      description: 'Log level of `weft start` (WEFT_LOG_LEVEL, --log-level).',
    }),
    logFormat: Type.Union(['auto', 'json', 'pretty'].map((format) => Type.Literal(format)), {
      description: 'How `weft start` and `weft up` write logs: json (one JSON line per event), pretty (one readable line per event) or auto, pretty on a terminal and json otherwise (WEFT_LOG_FORMAT, --log-format).',
    }),
    drainTimeoutMs: Type.Integer({ minimum: 0, description: 'How long shutdown waits for in-flight work, and a replaced node for its in-flight work (WEFT_DRAIN_TIMEOUT_MS).' }),
    processTimeoutMs: Type.Integer({ minimum: 0, description: 'The longest one request, message or tick may run before it is ended with ERR_PROCESS_DEADLINE; 0 for none (WEFT_PROCESS_TIMEOUT_MS).' }),
    sandbox: SandboxSchema,
    backlogLimit: Type.Optional(Type.Integer({ minimum: 0, description: 'How many requests a paused namespace holds before it answers 503 ERR_BACKLOG_FULL; default 10000 (WEFT_BACKLOG_LIMIT).' })),
    adminBindPublic: Type.Boolean({
      description: 'Lets listeners of the system namespace (the admin API) bind beyond loopback (WEFT_ADMIN_BIND_PUBLIC, --admin-bind-public).',
    }),
    adminHosts: Type.Array(Type.String({ minLength: 1 }), {
      description: 'Host names the admin API answers besides localhost, 127.0.0.1 and [::1] (WEFT_ADMIN_HOSTS, comma-separated; --admin-host).',
    }),
    insecure: Type.Boolean({
      description: 'Turns authentication of the admin API and the ops plane off, for local development; a warning is logged (WEFT_INSECURE, --insecure).',
    }),
    auth: Type.Optional(Type.Object({ jwt: Type.Optional(JwtSchema) }, {
      additionalProperties: false,
      description: 'How the admin API and the ops plane check credentials besides API tokens: `jwt` (a secret or a JWKS URL; docs/auth.md). File only.',
    })),
    ops: Type.Optional(Type.String({ minLength: 1, description: 'Address of the ops plane (metrics, health, events, control) as HOST:PORT, e.g. 127.0.0.1:9464; off when unset (WEFT_OPS, --ops).' })),
    opsBindPublic: Type.Boolean({ description: 'Lets the ops plane bind beyond loopback (WEFT_OPS_BIND_PUBLIC, --ops-bind-public).' }),
    opsEventValueSize: Type.Integer({ minimum: 0, description: 'The longest packet value a port:emit event of the ops event stream carries, in JSON characters; longer ones are cut (WEFT_OPS_EVENT_VALUE_SIZE).' }),
    otel: Type.Optional(Type.String({ minLength: 1, description: 'OTLP/HTTP endpoint traces are sent to, e.g. http://127.0.0.1:4318 (/v1/traces is appended); off when unset, unless OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set (WEFT_OTEL, --otel).' })),
    namespaces: Type.Optional(Type.Record(Type.String({ minLength: 1 }), NamespaceSettingsSchema, {
      description: 'Per-namespace settings of the config file, e.g. `system: { sandbox: in-process }`; they apply when that namespace runs, and `weft up` runs one engine per replica of each.',
    })),
  },
  { additionalProperties: false },
);

/** Resolved configuration. */
export type Config = Static<typeof ConfigSchema>;

const DEFAULTS: Config = {
  store: DEFAULT_STORE_URL, namespace: DEFAULT_NAMESPACE, logLevel: 'info', logFormat: 'auto', drainTimeoutMs: 10_000, processTimeoutMs: 300_000, sandbox: 'process',
  adminBindPublic: false, adminHosts: [], insecure: false, opsBindPublic: false, opsEventValueSize: 1024,
};

const ENV: Record<string, keyof Config> = {
  WEFT_STORE: 'store',
  WEFT_NAMESPACE: 'namespace',
  WEFT_LOG_LEVEL: 'logLevel',
  WEFT_LOG_FORMAT: 'logFormat',
  WEFT_DRAIN_TIMEOUT_MS: 'drainTimeoutMs',
  WEFT_PROCESS_TIMEOUT_MS: 'processTimeoutMs',
  WEFT_SANDBOX: 'sandbox',
  WEFT_BACKLOG_LIMIT: 'backlogLimit',
  WEFT_ADMIN_BIND_PUBLIC: 'adminBindPublic',
  WEFT_ADMIN_HOSTS: 'adminHosts',
  WEFT_OTEL: 'otel',
  WEFT_OPS: 'ops',
  WEFT_OPS_BIND_PUBLIC: 'opsBindPublic',
  WEFT_OPS_EVENT_VALUE_SIZE: 'opsEventValueSize',
  WEFT_INSECURE: 'insecure',
};

/** Reads one WEFT_* variable as its key's type; a value that fits none is kept for validation to name. */
function fromEnv(key: keyof Config, value: string): unknown {
  if (key === 'drainTimeoutMs' || key === 'processTimeoutMs' || key === 'backlogLimit' || key === 'opsEventValueSize') return Number(value);
  if (key === 'adminHosts') return value.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (key === 'adminBindPublic' || key === 'insecure' || key === 'opsBindPublic') return BOOLEANS[value.trim().toLowerCase()] ?? value;
  return value;
}

const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, 1: true, yes: true, false: false, 0: false, no: false };

/**
 * Layers the configuration: defaults < weft.config.yaml (or WEFT_CONFIG) < WEFT_* environment
 * < flags, then validates the result (ERR_CONFIG_INVALID names the bad key and its source).
 */
export function loadConfig(io: CliIO, flags: Partial<Config>): Config {
  return loadConfigWithSources(io, flags).config;
}

/** Where a setting's value came from: its default, the config file, an environment variable or a flag. */
export type ConfigSource = 'default' | 'file' | `env ${string}` | 'flag' | `file namespaces.${string}`;

/** `loadConfig`, also saying where each key's value came from (`weft config`). */
export function loadConfigWithSources(io: CliIO, flags: Partial<Config>): { config: Config; sources: Record<string, ConfigSource> } {
  const file = readConfigFile(io);
  const merged: Record<string, unknown> = { ...DEFAULTS, ...file };
  const sources: Record<string, ConfigSource> = {};
  for (const key of Object.keys(merged)) sources[key] = Object.hasOwn(file, key) ? 'file' : 'default';
  for (const [variable, key] of Object.entries(ENV)) {
    const value = io.env[variable];
    if (value !== undefined && value !== '') {
      merged[key] = fromEnv(key, value);
      sources[key] = `env ${variable}`;
    }
  }
  for (const [key, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    merged[key] = value;
    sources[key] = 'flag';
  }
  // A namespace's own file settings beat the file's top level, never the environment or a flag.
  const own = (merged.namespaces as Record<string, { sandbox?: unknown; store?: unknown }> | undefined)?.[String(merged.namespace)];
  if (own?.sandbox !== undefined && io.env.WEFT_SANDBOX === undefined && flags.sandbox === undefined) {
    merged.sandbox = own.sandbox;
    sources.sandbox = `file namespaces.${String(merged.namespace)}`;
  }
  if (own?.store !== undefined && io.env.WEFT_STORE === undefined && flags.store === undefined) {
    merged.store = own.store;
    sources.store = `file namespaces.${String(merged.namespace)}`;
  }
  const errors = [...Value.Errors(ConfigSchema, merged)];
  if (errors.length > 0) {
    const reason = errors.map((error) => `${pointerToPath(error.path) || '(root)'}: ${explain(error.schema as { anyOf?: readonly { const?: unknown }[] }, error.value, error.message)}`).join('; ');
    throw new WeftError('ERR_CONFIG_INVALID', { reason });
  }
  return { config: merged as Config, sources };
}

/** A validation message a person can act on: a union of literals lists its choices ("Expected union value" does not). */
function explain(schema: { anyOf?: readonly { const?: unknown }[] }, value: unknown, message: string): string {
  const choices = schema.anyOf?.map((option) => option.const);
  if (choices === undefined || choices.length === 0 || choices.some((choice) => choice === undefined)) return message;
  return `must be one of ${choices.map((choice) => String(choice)).join(', ')} (got ${JSON.stringify(value)})`;
}

function readConfigFile(io: CliIO): Record<string, unknown> {
  const explicit = io.env.WEFT_CONFIG;
  const path = resolve(io.cwd, explicit ?? 'weft.config.yaml');
  if (!existsSync(path)) {
    if (explicit !== undefined) throw new WeftError('ERR_CONFIG_INVALID', { reason: `WEFT_CONFIG file ${path} does not exist` });
    return {};
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (thrown) {
    throw new WeftError('ERR_CONFIG_INVALID', { reason: `${path}: ${(thrown as NodeJS.ErrnoException).code ?? String(thrown)}` });
  }
  const documents = parseYamlDocuments(text);
  if (!documents.ok) throw new WeftError('ERR_CONFIG_INVALID', { reason: `${path}: ${documents.reason}` });
  if (documents.documents.length > 1) throw new WeftError('ERR_CONFIG_INVALID', { reason: `${path} holds ${documents.documents.length} YAML documents; it must hold one mapping` });
  const parsed = documents.documents[0];
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new WeftError('ERR_CONFIG_INVALID', { reason: `${path} must hold a mapping` });
  }
  return parsed as Record<string, unknown>;
}
