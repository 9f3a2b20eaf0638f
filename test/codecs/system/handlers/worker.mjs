// A worker-mode exec handler in Node: one JSON request per line on stdin, one answer per line
// on stdout, answered in any order. Payload fields pick what it does: sleep (ms), die, fail,
// callback (call that node back through the runtime API, in the same process).
import { createInterface } from 'node:readline';

const answer = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

async function handle({ id, call, payload }) {
  if (payload?.die) process.exit(1);
  if (payload?.fail) return answer({ id, error: { message: `refused ${payload.fail}` } });
  if (payload?.sleep) await new Promise((resolve) => setTimeout(resolve, payload.sleep));
  if (payload?.callback) {
    const headers = { authorization: `Bearer ${process.env.WEFT_RUNTIME_TOKEN}`, 'content-type': 'application/json' };
    if (!payload.outside) headers['weft-call'] = call;
    const response = await fetch(`${process.env.WEFT_RUNTIME_URL}/v1/nodes/${payload.callback}`, { method: 'POST', headers, body: JSON.stringify(payload.data) });
    return answer({ id, reply: { status: response.status, body: await response.json() } });
  }
  answer({ id, reply: { pid: process.pid, payload } });
}

createInterface({ input: process.stdin }).on('line', (line) => {
  process.stderr.write(`worker got ${line.length} bytes\n`);
  void handle(JSON.parse(line));
});
