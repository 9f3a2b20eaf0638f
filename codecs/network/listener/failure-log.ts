import type { FastifyRequest } from 'fastify';
import { WeftError, type Logger } from '../../../src/index.ts';
import { redactUrl } from '../../_shared/http/redact-url.ts';
import { LogThrottle } from './log-throttle.ts';

/**
 * Where a listener logs the requests it answers with a 500: at error level with the cause, the
 * method and the URL (query values redacted), once per error code per minute (LogThrottle),
 * saying how many it held back, so a workflow failing every request cannot flood the log.
 */
export class FailureLog {
  readonly #logger: Logger;
  readonly #throttle: LogThrottle;

  constructor(logger: Logger, throttle = new LogThrottle()) {
    this.#logger = logger;
    this.#throttle = throttle;
  }

  /** Logs the failure of one request, unless one of its code was logged within the interval. */
  failed(request: Pick<FastifyRequest, 'method' | 'url'>, error: Error): void {
    const code = error instanceof WeftError ? error.code : 'ERR_INTERNAL';
    const suppressed = this.#throttle.admit(code);
    if (suppressed === undefined) return;
    const message = code.startsWith('ERR_REPLY_') ? 'reply cannot be written' : 'request failed';
    this.#logger.error({ err: error, code, method: request.method, url: redactUrl(request.url), suppressed }, message);
  }
}
