import { Type } from '@sinclair/typebox';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { WeftError, type Problem } from '../../../src/index.ts';

/** The connection fields every imap kind shares (url or host/port/secure, and auth). */
export const serverFields = {
  url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'The server as imap://HOST[:PORT] (plain, default port 143) or imaps://HOST[:PORT] (TLS, default 993); give url or host.' })),
  host: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'The server host name or address; give url or host.' })),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535, description: 'The server port (default 993 with secure, else 143).' })),
  secure: Type.Optional(Type.Boolean({ description: 'TLS from the first byte (default: true for imaps:// or port 993).' })),
  starttls: Type.Optional(Type.Boolean({ description: 'On a plain connection: true requires the STARTTLS upgrade (no login in clear text), false never upgrades; default: upgrade when the server offers it.' })),
  auth: Type.Object({
    user: Type.String({ minLength: 1, maxLength: 500, description: 'The login name; may be a {{ values.NAME }} or {{ env.NAME }} template.' }),
    pass: Type.String({ maxLength: 2000, description: 'The password; keep it in a secret value ({{ values.NAME }}) or {{ env.NAME }}.' }),
  }, { additionalProperties: false, description: 'The login (LOGIN or AUTHENTICATE PLAIN).' }),
};

/** The connection fields of a spec, as the schema gives them. */
export interface ServerSpec {
  readonly url?: string;
  readonly host?: string;
  readonly port?: number;
  readonly secure?: boolean;
  readonly starttls?: boolean;
  readonly auth: { readonly user: string; readonly pass: string };
}

/** Where and as whom to connect, with the defaults filled in. */
export interface ImapServer {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  /** true: STARTTLS required; false: never; undefined: when offered. */
  readonly starttls?: boolean;
  readonly user: string;
  readonly pass: string;
  /** `imap[s]://user@host:port`: for logs and errors (never the password). */
  readonly label: string;
}

/** The problems of the connection fields (url or host, not both; a parsable imap[s] URL). */
export function serverProblems(spec: ServerSpec): Problem[] {
  const problem = (path: string, message: string): Problem => ({ path, code: 'ERR_SPEC_INVALID', message });
  if (spec.url === undefined && spec.host === undefined) return [problem('url', 'give url or host')];
  if (spec.url !== undefined && spec.host !== undefined) return [problem('host', 'give either url or host, not both')];
  if (spec.starttls !== undefined && (spec.secure === true || spec.url?.startsWith('imaps:') === true)) return [problem('starttls', 'applies to a plain (not secure) connection only')];
  if (spec.url === undefined) return [];
  // A template is resolved before compile; at apply time it is checked once resolved.
  if (spec.url.includes('{{')) return [];
  let url: URL;
  try {
    url = new URL(spec.url);
  } catch {
    return [problem('url', `"${spec.url}" is not a URL (imap://HOST[:PORT] or imaps://HOST[:PORT])`)];
  }
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') return [problem('url', `the scheme must be imap:// or imaps://, not ${url.protocol}//`)];
  if (url.hostname === '') return [problem('url', 'names no host')];
  if (url.username !== '' || url.password !== '') return [problem('url', 'must not hold credentials: use auth.user and auth.pass')];
  if (url.pathname !== '' && url.pathname !== '/') return [problem('url', 'must not hold a path: the mailbox is its own field')];
  return [];
}

/** The server of a valid spec, with the defaults filled in. */
export function imapServer(spec: ServerSpec): ImapServer {
  let host: string;
  let secure: boolean;
  let port: number;
  if (spec.url !== undefined) {
    const url = new URL(spec.url);
    host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    secure = spec.secure ?? url.protocol === 'imaps:';
    port = url.port === '' ? spec.port ?? (secure ? 993 : 143) : Number(url.port);
  } else {
    host = spec.host!;
    port = spec.port ?? (spec.secure === true ? 993 : 143);
    secure = spec.secure ?? port === 993;
  }
  const { user, pass } = spec.auth;
  return { host, port, secure, ...(spec.starttls === undefined ? {} : { starttls: spec.starttls }), user, pass, label: `${secure ? 'imaps' : 'imap'}://${encodeURIComponent(user)}@${host.includes(':') ? `[${host}]` : host}:${port}` };
}

/** Options of one client connection. */
export interface ClientOptions {
  /** Keep the connection in IDLE when it has nothing else to do (new mail is pushed). */
  readonly idle: boolean;
}

/** A new (unconnected) client of `server`; nothing is logged through imapflow's own logger. */
export function imapClient(server: ImapServer, options: ClientOptions): ImapFlow {
  const flowOptions: ImapFlowOptions = {
    host: server.host,
    port: server.port,
    secure: server.secure,
    doSTARTTLS: server.starttls,
    auth: { user: server.user, pass: server.pass },
    logger: false,
    disableAutoIdle: !options.idle,
    // IDLE starts as soon as the connection has nothing to do, so a new mail is seen at once.
    autoIdleDelay: options.idle ? 50 : undefined,
    // IDLE is renewed every 4 minutes: some servers end an IDLE session they have not heard from.
    maxIdleTime: options.idle ? 240_000 : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
  };
  return new ImapFlow(flowOptions);
}

/** A coded error for a failure to connect, log in or talk to the server. */
export function imapError(server: ImapServer, thrown: unknown): WeftError {
  if (thrown instanceof WeftError) return thrown;
  const error = thrown as { authenticationFailed?: boolean; responseText?: string; code?: string; message?: string } | undefined;
  const reason = error?.responseText ?? error?.message ?? String(thrown);
  if (error?.authenticationFailed === true || error?.code === 'AUTHENTICATIONFAILED') {
    return new WeftError('ERR_IMAP_AUTH_FAILED', { server: server.label, reason });
  }
  return new WeftError('ERR_IMAP_UNAVAILABLE', { server: server.label, reason: error?.code !== undefined && !reason.includes(error.code) ? `${reason} (${error.code})` : reason });
}
