import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../../../src/index.ts';
import { durationMs, durationSchema } from '../../_shared/duration.ts';

/** The `cors` field of a listener spec: which browser origins may call it (Fetch standard, CORS protocol). */
export const CorsSchema = Type.Object(
  {
    origins: Type.Union([
      Type.Literal('*'),
      Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Origins as browsers send them: "https://app.example.com" (scheme, host, port).' }),
    ], { description: 'The origins allowed, or "*" for any (not with credentials).' }),
    methods: Type.Optional(Type.Array(Type.String({ pattern: '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$' }), { description: 'Methods a preflight allows (default GET, HEAD, PUT, PATCH, POST, DELETE).' })),
    headers: Type.Optional(Type.Array(Type.String({ pattern: '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$' }), { description: 'Request headers a preflight allows (default: the ones the preflight asks for).' })),
    exposeHeaders: Type.Optional(Type.Array(Type.String({ pattern: '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$' }), { description: 'Response headers scripts may read (Access-Control-Expose-Headers).' })),
    credentials: Type.Optional(Type.Boolean({ description: 'Allow cookies and HTTP authentication (Access-Control-Allow-Credentials: true); default false.' })),
    maxAge: Type.Optional(durationSchema('How long a browser may cache a preflight answer (Access-Control-Max-Age, whole seconds); default: not sent.')),
  },
  { additionalProperties: false, description: 'Cross-origin requests from browsers: preflights answered by the listener, headers on the replies (docs/kinds/listener.md).' },
);

/** The `cors` of a spec, as written. */
export type CorsSpec = Static<typeof CorsSchema>;

const DEFAULT_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];

/** The problems of a `cors` field beyond its schema: "*" with credentials (browsers refuse it). */
export function corsProblems(spec: CorsSpec | undefined): Problem[] {
  if (spec?.origins === '*' && spec.credentials === true) {
    return [{ path: 'cors.credentials', code: 'ERR_SPEC_INVALID', message: 'cannot be true with origins "*": browsers refuse credentials on a wildcard origin; list the origins' }];
  }
  return [];
}

/** What the policy decided for one request. */
export type CorsVerdict = 'none' | 'allowed' | 'refused';

/**
 * A listener's CORS policy, applied before the workflow (preflights) and to its reply (the
 * Allow-Origin family). Origins compare as exact, case-insensitive strings ("null" only if
 * listed). A request without Origin is not a CORS request and is left alone.
 */
export class CorsPolicy {
  readonly #any: boolean;
  readonly #origins: ReadonlySet<string>;
  readonly #methods: string;
  readonly #headers: string | undefined;
  readonly #expose: string | undefined;
  readonly #credentials: boolean;
  readonly #maxAge: string | undefined;

  constructor(spec: CorsSpec) {
    this.#any = spec.origins === '*';
    this.#origins = new Set(spec.origins === '*' ? [] : spec.origins.map((origin) => origin.toLowerCase().replace(/\/$/, '')));
    this.#methods = (spec.methods ?? DEFAULT_METHODS).map((method) => method.toUpperCase()).join(', ');
    this.#headers = spec.headers?.join(', ');
    this.#expose = spec.exposeHeaders === undefined || spec.exposeHeaders.length === 0 ? undefined : spec.exposeHeaders.join(', ');
    this.#credentials = spec.credentials === true;
    this.#maxAge = spec.maxAge === undefined ? undefined : String(Math.floor(durationMs(spec.maxAge) / 1000));
  }

  /** True for a preflight: OPTIONS with Origin and Access-Control-Request-Method. */
  static isPreflight(request: FastifyRequest): boolean {
    return request.method === 'OPTIONS' && typeof request.headers.origin === 'string' && typeof request.headers['access-control-request-method'] === 'string';
  }

  /** Whether the request's Origin is allowed ('none' when it sends none). */
  verdict(request: FastifyRequest): CorsVerdict {
    const origin = request.headers.origin;
    if (typeof origin !== 'string') return 'none';
    return this.#any || this.#origins.has(origin.toLowerCase()) ? 'allowed' : 'refused';
  }

  /**
   * Sets the headers of an actual request's reply: Allow-Origin (+ credentials, exposed
   * headers) for an allowed origin; Vary: Origin whenever the answer depends on the origin.
   */
  decorate(request: FastifyRequest, reply: FastifyReply, verdict: CorsVerdict): void {
    if (!this.#any) addVary(reply, 'Origin');
    if (verdict !== 'allowed') return;
    this.#allowOrigin(request, reply);
    if (this.#expose !== undefined) reply.header('access-control-expose-headers', this.#expose);
  }

  /** Answers an allowed preflight: 204 with the methods, headers and max age allowed. */
  answerPreflight(request: FastifyRequest, reply: FastifyReply): void {
    if (!this.#any) addVary(reply, 'Origin');
    this.#allowOrigin(request, reply);
    reply.header('access-control-allow-methods', this.#methods);
    const asked = request.headers['access-control-request-headers'];
    if (this.#headers !== undefined) reply.header('access-control-allow-headers', this.#headers);
    else if (typeof asked === 'string' && asked.length > 0) {
      addVary(reply, 'Access-Control-Request-Headers');
      reply.header('access-control-allow-headers', asked);
    }
    if (this.#maxAge !== undefined) reply.header('access-control-max-age', this.#maxAge);
    reply.code(204).send();
  }

  #allowOrigin(request: FastifyRequest, reply: FastifyReply): void {
    reply.header('access-control-allow-origin', this.#any ? '*' : request.headers.origin!);
    if (this.#credentials) reply.header('access-control-allow-credentials', 'true');
  }
}

/** Adds a name to the Vary header of a reply, once. */
function addVary(reply: FastifyReply, name: string): void {
  const current = reply.getHeader('vary');
  const text = typeof current === 'string' ? current : '';
  if (text.split(',').some((item) => item.trim().toLowerCase() === name.toLowerCase())) return;
  reply.header('vary', text === '' ? name : `${text}, ${name}`);
}
