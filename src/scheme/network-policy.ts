import type { Authenticator } from '../auth/index.ts';

/**
 * What the embedder of a runtime allows its network-facing nodes (a listener, any kind that
 * serves a socket), for a privileged namespace such as the admin plane: where they may bind
 * and which host names requests may be addressed to. The kernel only carries it to codecs
 * (CodecContext.network); each network kind honours it. No policy means no restriction.
 */
export interface NetworkPolicy {
  /**
   * `loopback`: nodes bind loopback addresses only (127.0.0.0/8, ::1, localhost) and refuse
   * a spec naming another; `any`: a spec may name any address. Either way a spec that names
   * none binds loopback.
   */
  readonly bind: 'loopback' | 'any';
  /**
   * Host names (the Host header without its port, compared without case) that requests may be
   * addressed to besides localhost, 127.0.0.1 and [::1]; others are refused (DNS rebinding).
   */
  readonly allowedHosts: readonly string[];
  /**
   * When set, every request must carry credentials this authenticator accepts (401/403
   * otherwise), with a role by method: `read` for GET, HEAD and OPTIONS, `write` for the rest.
   * A spec's own `auth` replaces it. Undefined: the specs decide (`--insecure` for the admin API).
   */
  readonly auth?: Authenticator;
}
