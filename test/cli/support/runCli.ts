/** Runs the CLI program in process with captured output and a chosen environment (no process.env, no real TTY). */
import { type CliIo, runCli } from '../../../src/cli/program';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  tty?: boolean;
  /** When `simulate` is to stop (its Ctrl-C). */
  interrupted?: Promise<void>;
}

export function cli(argv: string[], env: Record<string, string | undefined> = {}, options: CliOptions = {}): Promise<CliRun> {
  return cliLive(argv, env, options).done;
}

/** The CLI running, with its output so far readable while it runs (to act when --follow shows something). */
export function cliLive(
  argv: string[],
  env: Record<string, string | undefined> = {},
  options: CliOptions = {},
): { done: Promise<CliRun>; stdout(): string } {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    errIsTty: options.tty ?? false,
    env,
    untilInterrupted: () => options.interrupted ?? Promise.reject(new Error('this test does not stop simulate')),
  };
  const done = runCli(argv, io).then((code) => ({ code, stdout, stderr }));
  return { done, stdout: () => stdout };
}

/** No output of the CLI may carry a stack trace (a line starting with "at " and a file position). */
export function expectNoStackTrace(run: CliRun): void {
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}
