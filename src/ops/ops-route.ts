import type { IncomingHttpHeaders } from 'node:http';
import type { WeftError } from '../errors/index.ts';
import type { Role } from '../auth/index.ts';

/** One request to the ops plane, as a route handler sees it. */
export interface OpsRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The `:name` parameters of the route's path. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The JSON body, parsed (undefined when there is none). */
  readonly body: unknown;
}

/** What a route answers: a JSON body unless `contentType` says otherwise (then `body` is a string). */
export interface OpsResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly contentType?: string;
  readonly body: unknown;
}

/**
 * One HTTP route of the ops plane (`weft start --ops HOST:PORT`). `path` uses find-my-way
 * syntax (`/v1/namespaces/:namespace/pause`); `role` is what a caller's credential must allow
 * (see `roleAllows`). A handler must not throw: failures are a coded error response.
 */
export interface OpsRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly role: Role;
  /** Served without credentials even when the plane requires them (the health probes, for kubelets and load balancers). */
  readonly public?: boolean;
  handle(request: OpsRequest): OpsResponse | Promise<OpsResponse>;
}

/**
 * Decides whether a request may use a route needing `role`: undefined to let it through, else
 * the coded error to answer (ERR_AUTH_REQUIRED → 401, ERR_AUTH_FORBIDDEN → 403). The ops
 * server calls it before every route and before upgrading the event stream.
 */
export type OpsGuard = (headers: IncomingHttpHeaders, role: Role) => Promise<WeftError | undefined>;
