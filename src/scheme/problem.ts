import type { ErrorCode } from '../errors/index.ts';

/** One thing wrong with a spec: where (a dotted path such as `routes[0].port`), what, and its code. */
export interface Problem {
  readonly path: string;
  readonly message: string;
  readonly code: ErrorCode;
}

/** Turns a JSON pointer (`/routes/0/port`) into the dotted path users read (`routes[0].port`). */
export function pointerToPath(pointer: string): string {
  let path = '';
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(key)) path += `[${key}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(key)) path += path === '' ? key : `.${key}`;
    else path += `[${JSON.stringify(key)}]`;
  }
  return path;
}
