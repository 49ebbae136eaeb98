/**
 * Imported FIRST by every command-line entry point (demo, bench, probe CLI): on an unsupported Node.js it
 * stops the process before anything else loads or runs, with one clear line instead of a failure deep
 * inside (on Node 20 the probe itself fails on a missing certificate API).
 */
import { EXIT_UNSUPPORTED_NODE, unsupportedNodeMessage } from './nodeVersion';

const problem = unsupportedNodeMessage(process.version);
if (problem !== null) {
  process.stderr.write(`${problem}\n`);
  process.exit(EXIT_UNSUPPORTED_NODE);
}
