import { request } from 'node:http';
import { catalogue, WeftError, type ErrorCode } from '../../src/index.ts';

/**
 * One request to a `weft up` control socket: its JSON answer, or undefined when no supervisor
 * listens there (no socket file, or nobody accepts). An error answer is thrown as its WeftError.
 */
export function requestSupervisor(socket: string, method: 'GET' | 'POST', path: string, timeoutMs = 3000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const call = request({ socketPath: socket, method, path, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          reject(new WeftError('ERR_SUPERVISOR_UNREACHABLE', { socket, reason: 'the answer is not JSON' }));
          return;
        }
        const error = (parsed as { error?: { code?: string; params?: Record<string, string> } }).error;
        if ((response.statusCode ?? 500) < 400) resolve(parsed);
        else if (error?.code !== undefined && Object.hasOwn(catalogue, error.code)) reject(new WeftError(error.code as ErrorCode, error.params ?? {}));
        else reject(new WeftError('ERR_SUPERVISOR_UNREACHABLE', { socket, reason: `status ${response.statusCode ?? '?'}` }));
      });
    });
    call.on('timeout', () => call.destroy(new WeftError('ERR_SUPERVISOR_UNREACHABLE', { socket, reason: `no answer within ${timeoutMs} ms` })));
    call.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolve(undefined);
      else reject(error instanceof WeftError ? error : new WeftError('ERR_SUPERVISOR_UNREACHABLE', { socket, reason: error.code ?? error.message }));
    });
    call.end();
  });
}
