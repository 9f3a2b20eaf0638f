import { token } from './api.ts';
import type { OpsEvent } from './types.ts';

const TYPES = ['port:emit', 'node:error', 'node:loaded', 'node:failed', 'spec:applied', 'namespace:paused', 'namespace:resumed', 'metrics:update'];

/**
 * The ops event stream of one namespace (`/v1/events`), the token in the `weft.bearer.TOKEN`
 * subprotocol (a browser cannot set headers on a WebSocket); reconnects after a second when closed.
 */
export class EventStream {
  readonly #namespace: string;
  readonly #onEvent: (event: OpsEvent) => void;
  readonly #onState: (open: boolean) => void;
  #socket: WebSocket | undefined;
  #closed = false;
  #timer: number | undefined;

  constructor(namespace: string, onEvent: (event: OpsEvent) => void, onState: (open: boolean) => void) {
    this.#namespace = namespace;
    this.#onEvent = onEvent;
    this.#onState = onState;
    this.#connect();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#socket?.close();
  }

  #connect(): void {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/events`;
    const bearer = token();
    const socket = new WebSocket(url, bearer === null ? ['weft.events'] : ['weft.events', `weft.bearer.${bearer}`]);
    this.#socket = socket;
    socket.addEventListener('open', () => {
      socket.send(JSON.stringify({ type: 'subscribe', id: 'console', filter: { namespace: this.#namespace, types: TYPES } }));
      this.#onState(true);
    });
    socket.addEventListener('message', (message) => {
      const event = JSON.parse(String(message.data)) as OpsEvent;
      if (event.namespace === this.#namespace) this.#onEvent(event);
    });
    socket.addEventListener('close', () => {
      this.#onState(false);
      if (!this.#closed) this.#timer = window.setTimeout(() => this.#connect(), 1000);
    });
  }
}
