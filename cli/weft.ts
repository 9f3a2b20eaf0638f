#!/usr/bin/env node
// The `weft` executable: checks the Node.js version, then runs the CLI on the process's arguments
// and streams. The CLI is imported only after the check: on an older Node its imports (node:sqlite)
// would fail with a raw stack instead of this message.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`error ERR_NODE_VERSION: weft needs Node.js 22.12 or newer (24 LTS recommended); this is ${process.version}. Install a newer Node (nvm install 24, or your package manager) and run weft with it, in every terminal you use.\n`);
  process.exit(1);
}
// Before the CLI's modules load, so that they come from the compile cache when it is warm.
const { startCompileCache } = await import('./compile-cache.ts');
startCompileCache(process.env);
// Under `weft up` the IPC channel to the supervisor must not keep a finished command alive.
process.channel?.unref();
const { processIO } = await import('./io.ts');
const { runCli } = await import('./program.ts');
// A warm standby of `weft up` (cli/supervisor/warm-standby.ts): loaded, it waits for the word to run.
const { standbyReleased } = await import('./supervisor/standby-released.ts');
if (!(await standbyReleased())) process.exit(0);
process.exitCode = await runCli(process.argv.slice(2), processIO());
