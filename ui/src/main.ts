import { api, ApiError, clearToken, NeedsToken, seg, setToken, token } from './api.ts';
import { el } from './dom.ts';
import { EventStream } from './events.ts';
import { GraphView } from './graph-view.ts';
import { NodePanel } from './node-panel.ts';
import { topologyPanel } from './topology-panel.ts';
import type { ConsoleSpec, NamespaceSummary, OpsEvent, Topology } from './types.ts';

/** The console: a namespace picker and its state, the live graph, and a side panel (a node, or the topology). */
class Console {
  readonly #root: HTMLElement;
  readonly #picker = el('select', { 'aria-label': 'namespace', class: 'namespace-picker' });
  readonly #status = el('span', { class: 'status', 'data-status': '' });
  readonly #pause = el('button', { type: 'button', class: 'pause' }, 'Pause');
  readonly #live = el('span', { class: 'live off', title: 'event stream' }, 'offline');
  readonly #side = el('aside', { class: 'side' });
  readonly #view: GraphView;
  readonly #counts = new Map<string, number>();
  #namespace: string | undefined;
  #summaries: NamespaceSummary[] = [];
  #topology: Topology | undefined;
  #specs: ConsoleSpec[] = [];
  #events: EventStream | undefined;
  #panel: NodePanel | undefined;
  #reload: number | undefined;

  constructor(root: HTMLElement) {
    this.#root = root;
    this.#view = new GraphView((key) => this.#open(key));
    this.#picker.addEventListener('change', () => void this.#show(this.#picker.value));
    this.#pause.addEventListener('click', () => void this.#togglePause());
  }

  async start(): Promise<void> {
    try {
      this.#summaries = (await api<{ namespaces: NamespaceSummary[] }>('/v1/namespaces')).namespaces;
    } catch (thrown) {
      if (thrown instanceof NeedsToken) return this.#askToken(token() === null ? undefined : 'That token was refused.');
      return this.#fail(thrown);
    }
    const signOut = el('button', { type: 'button', class: 'link' }, 'Forget token');
    signOut.addEventListener('click', () => {
      clearToken();
      location.reload();
    });
    const topologyButton = el('button', { type: 'button' }, 'Topology');
    topologyButton.addEventListener('click', () => this.#showTopology());
    this.#root.replaceChildren(
      el('header', {}, el('h1', {}, 'weft'), this.#picker, this.#status, this.#pause, topologyButton, this.#live, token() === null ? '' : signOut),
      el('main', {}, el('div', { class: 'canvas' }, this.#view.element), this.#side),
    );
    this.#picker.replaceChildren(...this.#summaries.map((summary) => el('option', { value: summary.namespace }, summary.namespace)));
    const wanted = new URLSearchParams(location.search).get('namespace');
    const first = this.#summaries.find((summary) => summary.namespace === wanted) ?? this.#summaries[0];
    if (first === undefined) {
      this.#side.replaceChildren(el('p', {}, 'This engine runs no namespace yet.'));
      return;
    }
    this.#picker.value = first.namespace;
    await this.#show(first.namespace);
  }

  async #show(namespace: string): Promise<void> {
    this.#events?.close();
    this.#panel?.close();
    this.#panel = undefined;
    this.#namespace = namespace;
    this.#counts.clear();
    await this.#load(true);
    this.#showTopology();
    this.#events = new EventStream(namespace, (event) => this.#event(event), (open) => {
      this.#live.textContent = open ? 'live' : 'offline';
      this.#live.className = `live ${open ? 'on' : 'off'}`;
    });
  }

  /** Fetches the graph, specs, counters and summary, then draws. */
  async #load(first = false): Promise<void> {
    const namespace = this.#namespace!;
    try {
      const [topology, specs, metrics, summaries] = await Promise.all([
        api<Topology>(`/v1/namespaces/${seg(namespace)}/graph`),
        api<{ specs: ConsoleSpec[] }>(`/v1/namespaces/${seg(namespace)}/specs`),
        api<{ namespaces: Record<string, { nodes: Record<string, { messagesProcessed: number }> }> }>(`/v1/metrics?namespace=${seg(namespace)}`),
        // The list was just fetched on the first load.
        first ? { namespaces: this.#summaries } : api<{ namespaces: NamespaceSummary[] }>('/v1/namespaces'),
      ]);
      performance.mark('weft:fetched');
      this.#topology = topology;
      this.#specs = specs.specs;
      this.#summaries = summaries.namespaces;
      for (const [node, counters] of Object.entries(metrics.namespaces[namespace]?.nodes ?? {})) this.#counts.set(node, counters.messagesProcessed);
    } catch (thrown) {
      if (thrown instanceof NeedsToken) return this.#askToken('The token was refused.');
      return this.#fail(thrown);
    }
    this.#view.render(this.#topology, this.#specs, this.#counts);
    performance.mark('weft:drawn');
    this.#summary();
    if (this.#panel !== undefined) {
      this.#panel.spec(this.#specs.find((entry) => (entry.name ?? entry.id) === this.#panel!.key));
      void this.#panel.revisions();
    } else if (this.#side.querySelector('.topology') !== null) this.#showTopology();
    document.body.dataset.rendered = String(Math.round(performance.now()));
  }

  #summary(): void {
    const summary = this.#summaries.find((entry) => entry.namespace === this.#namespace);
    if (summary === undefined) return;
    const sources = Object.entries(summary.sources).map(([kind, count]) => `${count} ${kind}`).join(', ') || 'no sources';
    this.#status.textContent = `${summary.state}${summary.ready ? ', ready' : ''}${summary.paused ? ', paused' : ''} · ${summary.specs} specs · ${summary.nodes.active} active, ${summary.nodes.failed} failed · ${summary.failedLoads} failed loads · ${sources}${summary.paused ? ` · backlog ${summary.backlog}` : ''}`;
    this.#status.dataset.status = summary.paused ? 'paused' : summary.state;
    this.#pause.textContent = summary.paused ? 'Resume' : 'Pause';
  }

  #event(event: OpsEvent): void {
    if (event.type === 'port:emit' && event.target !== undefined && event.source !== undefined) {
      const next = (this.#counts.get(event.target.node) ?? 0) + 1;
      this.#counts.set(event.target.node, next);
      this.#view.count(event.target.node, next);
      this.#view.pulse(event.source.node, event.target.node);
    } else if (event.type === 'metrics:update' && event.metrics !== undefined) {
      // The snapshot is authoritative: every hop before it was counted in it, and its events came before it on this stream.
      for (const [node, counters] of Object.entries(event.metrics.nodes)) {
        this.#counts.set(node, counters.messagesProcessed);
        this.#view.count(node, counters.messagesProcessed);
      }
    } else if (event.type === 'spec:applied' || event.type === 'node:loaded' || event.type === 'node:failed' || event.type === 'namespace:paused' || event.type === 'namespace:resumed') {
      clearTimeout(this.#reload);
      this.#reload = window.setTimeout(() => void this.#load(), 100);
    }
  }

  #open(key: string): void {
    this.#panel?.close();
    this.#panel = new NodePanel(this.#namespace!, key);
    this.#panel.spec(this.#specs.find((entry) => (entry.name ?? entry.id) === key));
    this.#side.replaceChildren(this.#panel.element);
    this.#view.select(key);
  }

  #showTopology(): void {
    if (this.#topology === undefined) return;
    this.#panel?.close();
    this.#panel = undefined;
    this.#view.select(undefined);
    this.#side.replaceChildren(topologyPanel(this.#topology, (key) => this.#open(key)));
  }

  async #togglePause(): Promise<void> {
    const summary = this.#summaries.find((entry) => entry.namespace === this.#namespace);
    const action = summary?.paused ? 'resume' : 'pause';
    try {
      await api(`/v1/namespaces/${seg(this.#namespace!)}/${action}`, { method: 'POST' });
    } catch (thrown) {
      if (thrown instanceof NeedsToken) return this.#askToken('The token was refused.');
      this.#status.textContent = thrown instanceof ApiError ? `${thrown.code}: ${thrown.message}` : String(thrown);
      return;
    }
    await this.#load();
  }

  #askToken(problem?: string): void {
    this.#events?.close();
    const input = el('input', { type: 'password', name: 'token', autocomplete: 'off', 'aria-label': 'token', placeholder: 'weft_…' });
    const form = el('form', { class: 'token-prompt' },
      el('h1', {}, 'weft console'),
      el('p', {}, 'This engine asks for a token (weft token create NAME --role read; write to pause, resume and inject). It is kept in this tab only (sessionStorage).'),
      problem === undefined ? '' : el('p', { class: 'problem' }, problem),
      input, el('button', { type: 'submit' }, 'Sign in'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      setToken(input.value.trim());
      void this.start();
    });
    this.#root.replaceChildren(form);
    input.focus();
  }

  #fail(thrown: unknown): void {
    this.#root.replaceChildren(el('p', { class: 'problem' }, thrown instanceof ApiError ? `${thrown.code}: ${thrown.message}` : String(thrown)));
  }
}

void new Console(document.getElementById('app')!).start();
