/**
 * A client for the Special Administration Console (SAC) that Windows Server runs on the serial port (Microsoft's
 * "Azure Serial Console for Windows" and "Emergency Management Services" docs): a small state machine over the
 * console's text. From the `SAC>` prompt it creates a command channel (`cmd`), switches to it (`ch -sn`), logs in
 * at the Username / Domain / Password prompts (SAC does not echo the password), then types a fixed set of commands
 * whose success it judges only from exit codes it prints itself (`echo <marker>-%ERRORLEVEL%`): never from the
 * guest's words, which are localized. It ends the command channel (`exit`) whatever happened after the login.
 *
 * Everything typed lands in the boot diagnostics serial log: only the user name, the domain and the commands are
 * typed in clear; the password is typed only at the password prompt. `typed` lists what was typed, the password
 * as a placeholder.
 */
import type { SerialFailure, ServiceCommandResult } from '../../domain/serialConsole';
import { ConsoleReader, type ExpectResult } from './consoleReader';
import type { ConsoleStream } from './consoleStream';

export interface SacCredentials {
  username: string;
  /** `.` (the VM's own accounts) unless the secret names a domain. */
  domain: string;
  password: string;
}

export interface SacTimeouts {
  /** Waiting for the first `SAC>` after connecting (SAC answers an Enter at once when it runs). */
  promptMs: number;
  /** Waiting for each answer afterwards (a channel, a login prompt, a command's prompt). */
  stepMs: number;
  /** The whole session, whatever each wait allows: well inside a Functions host's activity limit. */
  sessionMs?: number;
}

export const DEFAULT_SAC_TIMEOUTS: SacTimeouts = { promptMs: 20_000, stepMs: 30_000, sessionMs: 180_000 };

export type SacOutcome =
  | { ok: true; typed: string[]; services: ServiceCommandResult[] }
  | { ok: false; failure: SerialFailure; detail: string; typed: string[]; services: ServiceCommandResult[] };

/** The typed-line placeholder for the password (the timeline shows that it was typed, never what). */
export const PASSWORD_PLACEHOLDER = '<password from Key Vault>';

const SAC_PROMPT = /SAC>\s*$/;
/** `cmd` answers with the new channel's name (Cmd0001, Cmd0002, ...): a name, not a localized sentence. */
const CMD_CHANNEL = /\b(Cmd\d{4})\b/;
/** A login prompt: a line ending in a colon, waiting for input (its word is not read: it may be localized). */
const INPUT_PROMPT = /:[ \t]*$/;
/** cmd.exe's prompt: a drive path followed by `>` at the end of what was printed. */
const CMD_PROMPT = /(?:^|\n)[A-Za-z]:\\[^\r\n>]*>[ \t]*$/;

/** Exit codes of sc.exe that mean the wanted state holds (ERROR_SERVICE_ALREADY_RUNNING for start). */
const START_OK = new Set([0, 1056]);

export async function restoreAgentServices(
  stream: ConsoleStream,
  credentials: SacCredentials,
  services: readonly string[],
  timeouts: SacTimeouts = DEFAULT_SAC_TIMEOUTS,
): Promise<SacOutcome> {
  const reader = new ConsoleReader(stream, Date.now() + (timeouts.sessionMs ?? DEFAULT_SAC_TIMEOUTS.sessionMs ?? 180_000));
  const typed: string[] = [];
  const results: ServiceCommandResult[] = [];
  const type = (line: string, shown = line): void => {
    typed.push(shown);
    stream.write(`${line}\r`);
  };
  const failed = (failure: SerialFailure, detail: string): SacOutcome => ({ ok: false, failure, detail, typed, services: results });
  const lost = (r: Extract<ExpectResult, { ok: false }>, step: string, otherwise: SerialFailure): SacOutcome => {
    const seen = r.seen ? ` Last text seen: "${r.seen}".` : '';
    if (r.why === 'unreadable') return failed('unreadable', `${step}: ${r.detail}.${seen}`);
    if (r.why === 'ended') return failed('kicked', `${step}: ${r.detail}; another session may have taken the console over.`);
    return failed(otherwise, `${step}: ${r.detail}.${seen}`);
  };

  // SAC prints its prompt again for an empty line; the banner may have scrolled by long ago.
  type('');
  const prompt = await reader.expect(SAC_PROMPT, timeouts.promptMs);
  if (!prompt.ok) return lost(prompt, 'waiting for the SAC> prompt', 'noSacPrompt');

  type('cmd');
  const channel = await reader.expect(CMD_CHANNEL, timeouts.stepMs);
  if (!channel.ok) return lost(channel, 'creating a command channel (cmd)', 'timedOut');
  const channelName = channel.match[1] ?? '';
  const back = await reader.expect(SAC_PROMPT, timeouts.stepMs);
  if (!back.ok) return lost(back, 'waiting for SAC> after creating the channel', 'timedOut');

  type(`ch -sn ${channelName}`);
  // The switch shows the channel's description and waits for a key before showing the channel itself.
  const shown = await reader.expect(/<esc><tab>0[\s\S]*$/i, timeouts.stepMs);
  if (!shown.ok) return lost(shown, `switching to ${channelName}`, 'timedOut');
  type('');

  for (const [value, shownAs] of [
    [credentials.username, credentials.username],
    [credentials.domain, credentials.domain],
    [credentials.password, PASSWORD_PLACEHOLDER],
  ] as const) {
    const asked = await reader.expect(INPUT_PROMPT, timeouts.stepMs);
    if (!asked.ok) return lost(asked, `waiting for the login prompt of ${channelName}`, 'timedOut');
    type(value, shownAs);
  }
  const loggedIn = await reader.expect(new RegExp(`${CMD_PROMPT.source}|${INPUT_PROMPT.source}`), timeouts.stepMs);
  if (!loggedIn.ok) {
    if (loggedIn.why === 'timedOut') return failed('loginFailed', `no command prompt after the login: ${loggedIn.detail}.`);
    return lost(loggedIn, 'logging in', 'loginFailed');
  }
  if (!CMD_PROMPT.test(loggedIn.match[0])) {
    return failed('loginFailed', 'SAC asked for the credentials again: it did not accept the user name and password from Key Vault.');
  }

  let marker = 0;
  const exitCodeOf = async (command: string): Promise<number | ExpectResultFailure> => {
    marker += 1;
    type(command);
    const done = await reader.expect(CMD_PROMPT, timeouts.stepMs);
    if (!done.ok) return done;
    const tag = `RDPAR${marker}X`;
    type(`echo ${tag}-%ERRORLEVEL%`);
    // The echoed command shows `%ERRORLEVEL%` literally; only cmd's answer has digits after the tag.
    const code = await reader.expect(new RegExp(`${tag}-(\\d+)`), timeouts.stepMs);
    if (!code.ok) return code;
    const after = await reader.expect(CMD_PROMPT, timeouts.stepMs);
    if (!after.ok) return after;
    return Number(code.match[1]);
  };

  for (const service of services) {
    const result: ServiceCommandResult = { service, automatic: null, running: null };
    results.push(result);
    const config = await exitCodeOf(`sc.exe config ${service} start= auto`);
    if (typeof config !== 'number') return endChannel(lost(config, `setting ${service} to start automatically`, 'timedOut'));
    result.automatic = config === 0;
    if (config !== 0) return endChannel(failed('commandFailed', `sc.exe config ${service} start= auto exited with ${config}.`));
    const start = await exitCodeOf(`sc.exe start ${service}`);
    if (typeof start !== 'number') return endChannel(lost(start, `starting ${service}`, 'timedOut'));
    result.running = START_OK.has(start);
    if (!START_OK.has(start)) return endChannel(failed('commandFailed', `sc.exe start ${service} exited with ${start}.`));
  }
  return endChannel({ ok: true, typed, services: results });

  /** Logs the channel out (cmd.exe exits, SAC closes the channel): a kicked-off session must not stay logged in. */
  function endChannel(outcome: SacOutcome): SacOutcome {
    type('exit');
    return { ...outcome, typed };
  }
}

type ExpectResultFailure = Extract<ExpectResult, { ok: false }>;
