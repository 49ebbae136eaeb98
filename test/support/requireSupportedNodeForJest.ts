/**
 * jest globalSetup: the suite refuses an unsupported Node.js before any test runs, with the same message as
 * the entry points, instead of failing in odd places (on Node 20 the probe's certificate API is missing).
 */
import { EXIT_UNSUPPORTED_NODE, unsupportedNodeMessage } from '../../src/runtime/nodeVersion';

export default function requireSupportedNode(): void {
  const problem = unsupportedNodeMessage(process.version);
  if (problem === null) return;
  // Exit rather than throw: jest would print the stack of its own hook runner around one line of news.
  process.stderr.write(`${problem}\n`);
  process.exit(EXIT_UNSUPPORTED_NODE);
}
