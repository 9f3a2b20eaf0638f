import type { WebSocket } from 'ws';
import { WeftError } from '../errors/index.ts';
import type { EventBus } from './event-bus.ts';
import type { EventFilter, OpsEventType } from './ops-event.ts';

const TYPES: ReadonlySet<string> = new Set<OpsEventType>([
  'process:start', 'process:end', 'port:emit', 'node:error', 'node:loaded', 'node:failed', 'spec:applied', 'namespace:paused', 'namespace:resumed', 'metrics:update',
]);

/**
 * Serves one `/v1/events` WebSocket: client messages `{type: "subscribe", id?, filter?}` and
 * `{type: "unsubscribe", id?}` (no id: all) change its subscriptions, each acknowledged
 * (`subscribed` / `unsubscribed`); a bad message is answered `{type: "error", error: {code,
 * message}}` and the connection stays. Events flow from the bus, bounded per connection.
 */
export function eventConnection(socket: WebSocket, bus: EventBus): void {
  const connection = bus.connect({ send: (text) => socket.send(text), get buffered() { return socket.bufferedAmount; } });
  socket.on('close', () => connection.close());
  socket.on('error', () => connection.close());
  socket.on('message', (data: Buffer, binary: boolean) => {
    try {
      const message = parse(binary ? undefined : data.toString('utf8'));
      const id = message.id ?? 'default';
      if (message.type === 'subscribe') {
        connection.subscribe(id, message.filter ?? {});
        socket.send(JSON.stringify({ type: 'subscribed', id }));
      } else {
        connection.unsubscribe(message.id);
        socket.send(JSON.stringify({ type: 'unsubscribed', ...(message.id === undefined ? {} : { id }) }));
      }
    } catch (thrown) {
      const error = thrown as WeftError;
      socket.send(JSON.stringify({ type: 'error', error: { code: error.code, message: error.message } }));
    }
  });
}

interface ClientMessage {
  readonly type: 'subscribe' | 'unsubscribe';
  readonly id?: string;
  readonly filter?: EventFilter;
}

function parse(text: string | undefined): ClientMessage {
  const refuse = (reason: string) => new WeftError('ERR_OPS_MESSAGE_INVALID', { reason });
  if (text === undefined) throw refuse('binary frames are not accepted');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw refuse('not JSON');
  }
  if (typeof value !== 'object' || value === null) throw refuse('not a JSON object');
  const { type, id, filter } = value as Record<string, unknown>;
  if (type !== 'subscribe' && type !== 'unsubscribe') throw refuse('type must be "subscribe" or "unsubscribe"');
  if (id !== undefined && typeof id !== 'string') throw refuse('id must be a string');
  if (filter === undefined) return { type, id };
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw refuse('filter must be an object');
  const fields = filter as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key === 'types') continue;
    if (key !== 'namespace' && key !== 'node' && key !== 'process') throw refuse(`filter field "${key}" is unknown`);
    if (typeof fields[key] !== 'string') throw refuse(`filter.${key} must be a string`);
  }
  const types = fields.types;
  if (types !== undefined && (!Array.isArray(types) || types.some((entry) => typeof entry !== 'string' || !TYPES.has(entry)))) {
    throw refuse(`filter.types must list event types among ${[...TYPES].join(', ')}`);
  }
  return { type, id, filter: fields as EventFilter };
}
