/**
 * The Node.js releases this app runs on, and the message for any other. Node 22 and 24 are the LTS lines a
 * Function App offers; 22.10 is the floor because the probe reads certificate dates with
 * `X509Certificate.validFromDate` / `validToDate`, which earlier releases lack. package.json `engines` states
 * the same range (a test holds the two together).
 */
export const SUPPORTED_NODE_RANGE = '>=22.10 <25';

const MINIMUM: readonly [number, number] = [22, 10];
const FIRST_UNSUPPORTED_MAJOR = 25;

/** Exit code of an entry point refusing to run (sysexits EX_CONFIG): distinct from every probe verdict. */
export const EXIT_UNSUPPORTED_NODE = 78;

/** Null when `version` (as in process.version, e.g. "v22.10.0") is supported; otherwise what to tell the user. */
export function unsupportedNodeMessage(version: string): string | null {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  const fix = `this app needs Node.js ${SUPPORTED_NODE_RANGE} (22 LTS from 22.10, or 24 LTS); install one and run again (.nvmrc names 22)`;
  if (match === null) return `Node.js version "${version}" cannot be read: ${fix}`;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  const tooOld = major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1]);
  if (tooOld || major >= FIRST_UNSUPPORTED_MAJOR) return `Node.js ${version.replace(/^v?/, 'v')} is not supported: ${fix}`;
  return null;
}
