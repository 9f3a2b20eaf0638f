import { readFileSync } from 'node:fs';
const mods = process.argv.slice(2);
for (const m of mods) await import(m);
await new Promise((r) => setTimeout(r, 1000)); globalThis.gc?.();
const s = readFileSync('/proc/self/status','utf8'); const g = (k) => (Number(new RegExp(k+':\\s+(\\d+)').exec(s)[1])/1024).toFixed(1);
const h = process.memoryUsage();
console.log((mods.join(',')||'bare').slice(-60).padEnd(60), 'RSS', g('VmRSS'), 'anon', g('RssAnon'), 'file', g('RssFile'), 'heapTotal', (h.heapTotal/1048576).toFixed(1), 'used', (h.heapUsed/1048576).toFixed(1));
