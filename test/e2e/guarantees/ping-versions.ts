import { freePort } from '../../harness/cli.ts';

/** The ping workflow on a given port, as YAML, with the reply `pong`. */
export function pingYaml(port: number): string {
  return `
- kind: listener
  name: listener
  protocol: http
  host: 127.0.0.1
  port: ${port}
  links:
    out: [{ name: router, port: in }]
- kind: router
  name: router
  routes: [{ method: GET, path: /ping, port: 'out[0]' }]
  links:
    out[0]: [{ name: pong, port: in }]
- kind: snippet
  name: pong
  language: text
  code: pong
`;
}

/** The update number `i` of a reload sequence: mostly the reply, every 10th the router, every 25th the listener. */
export function versionYaml(i: number, port: number): string {
  const pong = `- kind: snippet\n  name: pong\n  language: text\n  code: v${i}\n`;
  if (i % 25 === 0) {
    // Same address, other annotations: the listener reloads and must keep its socket.
    return `${pong}- kind: listener\n  name: listener\n  protocol: http\n  host: 127.0.0.1\n  port: ${port}\n  annotations: { revision-note: "v${i}" }\n  links:\n    out: [{ name: router, port: in }]\n`;
  }
  if (i % 10 === 0) {
    return `${pong}- kind: router\n  name: router\n  routes: [{ method: GET, path: /ping, port: 'out[0]' }, { method: GET, path: /v${i}, port: 'out[0]' }]\n  links:\n    out[0]: [{ name: pong, port: in }]\n`;
  }
  return pong;
}

/** The version number a reply names: 0 for the original `pong`, i for `v<i>`, undefined for anything else. */
export function versionOf(body: string): number | undefined {
  if (body === 'pong') return 0;
  const match = /^v(\d+)$/.exec(body);
  return match === null ? undefined : Number(match[1]);
}

export { freePort };
