#!/usr/bin/env node
/** The `rdp-autorepair` bin (package.json "bin"); the commands are in program.ts, the exit codes in exitCodes.ts. */
// First: on an unsupported Node.js this stops before anything else loads.
import '../runtime/requireSupportedNode';
import { runCli } from './program';

void runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTty: Boolean(process.stderr.isTTY),
  env: process.env,
  untilInterrupted: () =>
    new Promise((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
}).then((code) => {
  process.exitCode = code;
});
