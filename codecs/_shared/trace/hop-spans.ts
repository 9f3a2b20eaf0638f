import { SpanStatusCode, type Span } from '@opentelemetry/api';
import type { Packet, Process } from '../../../src/index.ts';
import { startChildSpan } from './child-span.ts';
import { errorType } from './process-span.ts';

/** One end of a link as the kernel's link observer describes it (node name, kind, port). */
export interface HopEnd {
  readonly node: string;
  readonly kind: string;
  readonly port: string;
}

/** A link as the kernel's link observer describes it. */
export interface HopLink {
  readonly namespace: string;
  readonly source: HopEnd;
  readonly target: HopEnd;
}

/** What watches one link: `enter` before the target handles a packet, `leave` with its reply. */
export interface HopProbe {
  enter(process: Process, packet: Packet): unknown;
  leave(process: Process, reply: Packet, token: unknown): void;
}

/**
 * The tracing side of the kernel's node-hop observation hook (`LinkObserver.probe`, same shape):
 * each packet crossing a link of a traced process gets a child span of the process's span,
 * named after the target node, with the link's ends as attributes and error status when the
 * node replies with an error. Untraced processes (tracing off, or a process no source traced)
 * cost one call and a data lookup per hop. Hop spans are siblings under the process span (a
 * process's data is shared by concurrent hops, so they cannot nest safely); their timing shows
 * the nesting.
 */
export const hopSpans = {
  probe(link: HopLink): HopProbe {
    const name = `${link.target.node}`;
    const attributes = {
      'weft.namespace': link.namespace,
      'weft.node': link.target.node,
      'weft.kind': link.target.kind,
      'weft.port': link.target.port,
      'weft.source.node': link.source.node,
      'weft.source.port': link.source.port,
    };
    return {
      enter: (process: Process): Span | undefined => startChildSpan(process, name, 'internal', attributes),
      leave: (_process: Process, reply: Packet, token: unknown): void => {
        if (token === undefined) return;
        const span = token as Span;
        const error = reply.payload;
        if (error instanceof Error) {
          span.setAttribute('error.type', errorType(error));
          span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        }
        span.end();
      },
    };
  },
};
