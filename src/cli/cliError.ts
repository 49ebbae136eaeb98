/** A failure the CLI reports as one plain line (never a stack trace) and exits with its code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** The API's error code (e.g. RepairAlreadyRunning), for --json output. */
    readonly code: string = 'CliError',
    readonly details: unknown = null,
  ) {
    super(message);
  }
}
