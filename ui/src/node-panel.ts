import { api, ApiError, seg } from './api.ts';
import { el } from './dom.ts';
import { sparkline } from './sparkline.ts';
import type { ConsoleSpec, DiffLine, NodeMetrics, Revision } from './types.ts';
import { highlightYaml } from './yaml-highlight.ts';

const POINTS = 60;

/**
 * The side panel of one node: its spec (highlighted YAML), state and errors, metrics with
 * sparklines (polled each second while open), last errors, revisions with a diff, and inject.
 */
export class NodePanel {
  readonly element = el('section', { class: 'node-panel', 'aria-label': 'node' });
  readonly #namespace: string;
  readonly #key: string;
  readonly #metrics = el('div', { class: 'metrics' });
  readonly #errors = el('div', { class: 'errors' });
  readonly #revisions = el('div', { class: 'revisions' });
  readonly #spec = el('div', { class: 'spec' });
  readonly #yaml = el('div', { class: 'yaml-box' });
  #revision: number | undefined;
  #history: Revision[] = [];
  readonly #packets: number[] = [];
  readonly #latency: number[] = [];
  #last: NodeMetrics | undefined;
  #timer: number | undefined;

  constructor(namespace: string, key: string) {
    this.#namespace = namespace;
    this.#key = key;
    this.element.append(
      el('h2', {}, key),
      this.#spec,
      el('h3', {}, 'Metrics'), this.#metrics,
      el('h3', {}, 'Last errors'), this.#errors,
      el('h3', {}, 'Revisions'), this.#revisions,
      el('h3', {}, 'Inject'), this.#injectForm(),
    );
    void this.#poll();
    this.#timer = window.setInterval(() => void this.#poll(), 1000);
    void this.revisions();
  }

  get key(): string {
    return this.#key;
  }

  close(): void {
    clearInterval(this.#timer);
    this.element.remove();
  }

  /** Shows the node's current spec and state. */
  spec(entry: ConsoleSpec | undefined): void {
    if (entry === undefined) {
      this.#spec.replaceChildren(el('p', { class: 'muted' }, 'This node is no longer in the namespace.'));
      return;
    }
    const problems = [
      ...entry.problems.map((problem) => el('li', {}, problem)),
      ...(entry.error ? [el('li', {}, `${entry.error.code}: ${entry.error.message}`)] : []),
      ...(entry.pendingError ? [el('li', {}, `revision ${entry.pendingError.revision} failed to load: ${entry.pendingError.code}: ${entry.pendingError.message}`)] : []),
    ];
    this.#spec.replaceChildren(
      el('p', {}, el('span', { class: `badge ${entry.state}` }, entry.state), ` ${entry.kind} · revision ${entry.revision}`),
      problems.length > 0 ? el('ul', { class: 'problems' }, ...problems) : '',
      this.#yaml,
    );
    this.#revision = entry.revision;
    this.#showYaml();
  }

  /** The running revision's YAML, from the revision history (loaded with it). */
  #showYaml(): void {
    const current = this.#history.findLast((entry) => entry.revision === this.#revision && entry.op !== 'delete');
    this.#yaml.replaceChildren(current === undefined ? el('p', { class: 'muted' }, 'loading…') : highlightYaml(current.yaml));
  }

  /** Reloads the revision list (after a spec change). */
  async revisions(): Promise<void> {
    let answer: { revisions: Revision[] };
    try {
      answer = await api<{ revisions: Revision[] }>(`/v1/nodes/${seg(this.#namespace)}/${seg(this.#key)}/revisions`);
    } catch (thrown) {
      this.#revisions.replaceChildren(el('p', { class: 'muted' }, (thrown as Error).message));
      return;
    }
    this.#history = answer.revisions;
    this.#showYaml();
    const list = el('ol', { class: 'revision-list' }, ...answer.revisions.map((entry) => el('li', {}, `${entry.revision} · ${entry.op} · ${new Date(entry.at).toLocaleTimeString()}`)));
    const diff = el('div', { class: 'diff' });
    const revs = answer.revisions.map((entry) => entry.revision);
    const from = selectOf(revs, revs.at(-2) ?? revs.at(-1));
    const to = selectOf(revs, revs.at(-1));
    const show = async () => {
      try {
        const result = await api<{ lines: DiffLine[] }>(`/v1/nodes/${seg(this.#namespace)}/${seg(this.#key)}/diff?from=${from.value}&to=${to.value}`);
        diff.replaceChildren(el('pre', { class: 'diff-lines' }, ...result.lines.map((line) => el('span', { class: `d${line.op === ' ' ? 'same' : line.op === '+' ? 'add' : 'del'}` }, `${line.op} ${line.text}\n`))));
      } catch (thrown) {
        diff.replaceChildren(el('p', { class: 'muted' }, (thrown as Error).message));
      }
    };
    from.addEventListener('change', () => void show());
    to.addEventListener('change', () => void show());
    this.#revisions.replaceChildren(
      el('p', { class: 'muted' }, 'Revisions this engine has seen since it started.'),
      list,
      el('label', {}, 'diff ', from), el('label', {}, ' → ', to),
      diff,
    );
    if (revs.length > 1) await show();
  }

  async #poll(): Promise<void> {
    let metrics: NodeMetrics;
    try {
      metrics = await api<NodeMetrics>(`/v1/nodes/${seg(this.#namespace)}/${seg(this.#key)}/metrics`);
    } catch {
      return;
    }
    const last = this.#last;
    if (last !== undefined) {
      this.#packets.push(metrics.packetsIn - last.packetsIn);
      const samples = metrics.latencySamples - last.latencySamples;
      const sum = metrics.avgLatencyMs * metrics.latencySamples - last.avgLatencyMs * last.latencySamples;
      this.#latency.push(samples > 0 ? sum / samples : 0);
      if (this.#packets.length > POINTS) this.#packets.shift();
      if (this.#latency.length > POINTS) this.#latency.shift();
    }
    this.#last = metrics;
    this.#metrics.replaceChildren(
      el('dl', {},
        el('dt', {}, 'packets in'), el('dd', { 'data-metric': 'packetsIn' }, String(metrics.packetsIn)),
        el('dt', {}, 'packets out'), el('dd', {}, String(metrics.packetsOut)),
        el('dt', {}, 'errors'), el('dd', { 'data-metric': 'errors' }, String(metrics.errors)),
        el('dt', {}, 'in flight'), el('dd', {}, String(metrics.inFlight)),
        el('dt', {}, 'latency avg / max'), el('dd', {}, `${metrics.avgLatencyMs.toFixed(2)} / ${metrics.maxLatencyMs.toFixed(2)} ms`)),
      el('div', { class: 'spark' }, el('span', {}, 'packets/s'), sparkline(this.#packets, 'packets per second')),
      el('div', { class: 'spark' }, el('span', {}, 'latency ms'), sparkline(this.#latency, 'latency per second')),
    );
    this.#errors.replaceChildren(metrics.recentErrors.length === 0
      ? el('p', { class: 'muted' }, 'none')
      : el('ul', {}, ...[...metrics.recentErrors].reverse().map((error) => el('li', {}, `${new Date(error.at).toLocaleTimeString()} ${error.code ?? ''} ${error.message}`))));
  }

  #injectForm(): HTMLElement {
    const port = el('input', { value: 'in', size: 8, 'aria-label': 'port' });
    const value = el('textarea', { rows: 3, 'aria-label': 'value (JSON)' });
    value.value = 'null';
    const result = el('pre', { class: 'inject-result' });
    const form = el('form', { class: 'inject' }, el('label', {}, 'port ', port), value, el('button', { type: 'submit' }, 'Inject'), result);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void (async () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(value.value);
        } catch (thrown) {
          result.textContent = `not JSON: ${(thrown as Error).message}`;
          return;
        }
        try {
          const answer = await api<{ payload: unknown; error?: { code: string; message: string }; durationMs: number }>(`/v1/nodes/${seg(this.#namespace)}/${seg(this.#key)}/inject`, { method: 'POST', body: { port: port.value, value: parsed } });
          result.textContent = answer.error ? `${answer.error.code}: ${answer.error.message}` : `${JSON.stringify(answer.payload, null, 2)}\n(${answer.durationMs.toFixed(1)} ms)`;
        } catch (thrown) {
          result.textContent = thrown instanceof ApiError ? `${thrown.code}: ${thrown.message}` : String(thrown);
        }
      })();
    });
    return form;
  }
}

function selectOf(values: readonly number[], selected: number | undefined): HTMLSelectElement {
  const select = el('select', {}, ...values.map((value) => el('option', { value, selected: value === selected }, String(value))));
  return select;
}
