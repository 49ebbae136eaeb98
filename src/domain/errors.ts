/** Typed errors with a `name` and structured details, so handlers map them to responses without string matching. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(
    message: string,
    readonly setting: string,
  ) {
    super(message);
  }
}
