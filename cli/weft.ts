#!/usr/bin/env node
// The `weft` executable: runs the CLI on the process's arguments and streams.
import { processIO } from './io.ts';
import { runCli } from './program.ts';

process.exitCode = await runCli(process.argv.slice(2), processIO());
