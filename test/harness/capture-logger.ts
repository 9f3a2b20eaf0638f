import type { LogFn, Logger } from '../../src/index.ts';

/** One line a CapturingLogger received: its level, its fields (bindings included) and message. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string | undefined;
}

/** A Logger that keeps every line (children add their bindings), for tests that check what is logged. */
export function capturingLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): Logger & { readonly lines: LogLine[] } {
  const method = (level: LogLine['level']): LogFn => ((fields: Record<string, unknown> | string, message?: string) => {
    if (typeof fields === 'string') lines.push({ level, fields: { ...bindings }, message: fields });
    else lines.push({ level, fields: { ...bindings, ...fields }, message });
  }) as LogFn;
  return {
    lines,
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    child: (more) => capturingLogger(lines, { ...bindings, ...more }),
  };
}
