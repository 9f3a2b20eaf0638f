/**
 * Languages benchmark (issue 3): CEL through weft's compiled Program vs a raw
 * @marcbachmann/cel-js evaluate, and JavaScript snippets vs a raw isolated-vm `applySync`, in
 * both sandbox modes. Each part measures its variants side by side, alternating, and reports
 * medians; this script runs both and writes one JSON file to bench/results/.
 *
 * Run: `npm run bench:languages` (`node bench/languages.ts`). Parts: `node bench/languages/cel.ts`,
 * `node bench/languages/javascript.ts`.
 */
import { benchCel } from './languages/cel.ts';
import { benchJavascript } from './languages/javascript.ts';
import { writeResult } from './lib/write-result.ts';

const format = (value: number): string => Math.round(value).toLocaleString('en-US');

const started = performance.now();
const cel = await benchCel();
for (const entry of cel.cases) {
  console.log(`cel ${entry.name} (${entry.payloadBytes} B): weft ${format(entry.weftOpsPerSec)}/s, raw ${format(entry.rawOpsPerSec)}/s → ${entry.ratio.toFixed(2)}×`);
}
console.log(`cel target weft/raw ≥ ${cel.target}×: ${cel.pass ? 'PASS' : 'BELOW TARGET'}`);

const js = await benchJavascript();
for (const size of ['small', 'kb'] as const) {
  const figures = js.payloads[size];
  console.log(
    `javascript ${size} (${js.config.payloadBytes[size]} B): raw ${format(figures.raw.callsPerSec)}/s, in-process ${format(figures['in-process'].callsPerSec)}/s ` +
      `(${js.ratios[size].inProcessVsRaw.toFixed(2)}×), process 1 in flight ${format(figures['process-1'].callsPerSec)}/s p50 ${format(figures['process-1'].p50Us ?? 0)} µs, ` +
      `process ${js.config.inFlight} in flight ${format(figures['process-64'].callsPerSec)}/s p50 ${format(figures['process-64'].p50Us ?? 0)} µs`,
  );
}
console.log(`javascript targets: in-process ≥ ${js.targets.inProcessVsRaw}× raw ${js.pass.inProcess ? 'PASS' : 'BELOW'}; ` +
  `process ≥ ${format(js.targets.process64CallsPerSec)} calls/s at ${js.config.inFlight} in flight ${js.pass.process64 ? 'PASS' : 'BELOW'}; ` +
  `1 KB p50 ≤ ${js.targets.process1KbP50Us} µs ${js.pass.process1KbP50 ? 'PASS' : 'ABOVE'}`);

const file = writeResult('languages', { cel, javascript: js, durationMs: Math.round(performance.now() - started) });
console.log(`results: ${file}`);
