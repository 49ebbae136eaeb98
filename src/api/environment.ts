/**
 * Where the API reads its settings from: process.env in the Functions host; the simulator passes its own
 * scenario settings instead of mutating the process environment.
 */
type Env = Record<string, string | undefined>;

let override: Env | undefined;

export function getEnvironment(): Env {
  return override ?? process.env;
}

/** For the simulator only. */
export function setEnvironmentOverride(env: Env | undefined): void {
  override = env;
}
