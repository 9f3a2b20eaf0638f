import { el } from './dom.ts';

/** One line of YAML as spans: indentation and list dashes, key, value (string, number, boolean/null), comment. */
function line(text: string): HTMLElement {
  const out = el('span', { class: 'line' });
  const comment = /(^|\s)#.*$/.exec(text);
  let body = comment === null ? text : text.slice(0, comment.index + comment[1]!.length);
  const match = /^(\s*(?:- )*)((?:"[^"]*"|'[^']*'|[^\s:'"][^:]*?)\s*:)(?=\s|$)(.*)$/.exec(body);
  if (match !== null) {
    out.append(match[1]!, el('span', { class: 'y-key' }, match[2]!));
    body = match[3]!;
  } else {
    const dash = /^(\s*(?:- )*)(.*)$/.exec(body)!;
    out.append(dash[1]!);
    body = dash[2]!;
  }
  const value = body.trim();
  if (value !== '') {
    const lead = body.slice(0, body.indexOf(value));
    const kind = /^(true|false|null|~)$/.test(value) ? 'y-bool' : /^-?\d+(\.\d+)?$/.test(value) ? 'y-num' : /^[|>][-+]?$/.test(value) ? 'y-block' : 'y-str';
    out.append(lead, el('span', { class: kind }, value), body.slice(lead.length + value.length));
  }
  if (comment !== null) out.append(el('span', { class: 'y-comment' }, text.slice(comment.index + comment[1]!.length)));
  return out;
}

/** A YAML text as a highlighted block (a <pre> of lines). */
export function highlightYaml(text: string): HTMLElement {
  const pre = el('pre', { class: 'yaml' });
  for (const each of text.replace(/\n$/, '').split('\n')) pre.append(line(each), '\n');
  return pre;
}
