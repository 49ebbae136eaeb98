/**
 * SIMULATED: the guest's side of the serial port while Windows runs the Special Administration Console (SAC), as
 * Microsoft's docs ("Windows commands - CMD and PowerShell" for the serial console, "Emergency Management Services")
 * and public transcripts show it:
 *  - text only, CRLF line ends, no VT100 at `SAC>`; SAC echoes what is typed, except at the password prompt;
 *  - an empty line gives `SAC>` again; `cmd` launches a command channel and announces it (`Channel: Cmd0001`);
 *  - `ch -si <n>` / `ch -sn <name>` describe the channel and wait for a key; the channel then asks for Username,
 *    Domain and Password; a wrong password asks again (the exact wording of SAC's refusal is not documented:
 *    inferred, and the client must not read it);
 *  - in the channel, cmd.exe: its banner, the `C:\Windows\system32>` prompt, `echo` with %ERRORLEVEL% expanded,
 *    sc.exe against the agent services model, `exit` closes the channel.
 * What the SAC says is this model's; what the agent services do is agentServices.ts'.
 */
import { type AgentServices, runSc } from './agentServices';

export interface SacGuest {
  services: AgentServices;
  credentials: { username: string; password: string };
  /** Windows build shown in cmd.exe's banner. */
  build: string;
  /** Called after every command that may have changed the services. */
  changed(): void;
}

type State = 'sac' | 'channelInfo' | 'username' | 'domain' | 'password' | 'cmd' | 'hung';

const CRLF = '\r\n';
const CMD_PROMPT = 'C:\\Windows\\system32>';

export class SacConsole {
  private state: State = 'sac';
  private line = '';
  private channel: { name: string; open: boolean } | null = null;
  private login = { username: '', domain: '' };
  private errorLevel = 0;

  constructor(
    private readonly guest: SacGuest,
    private readonly send: (text: string) => void,
    private readonly options: { hangAfter?: 'cmd' } = {},
  ) {}

  /** The EMS banner SAC prints when it starts (and the gateway replays on connect, as the portal shows it). */
  banner(): string {
    return (
      `${CRLF}Computer is booting, SAC started and initialized.${CRLF}${CRLF}` +
      `Use the "ch -?" command for information about using channels.${CRLF}Use the "?" command for general help.${CRLF}${CRLF}${CRLF}SAC>`
    );
  }

  type(text: string): void {
    for (const ch of text) {
      if (this.state === 'hung') return;
      if (ch === '\r') {
        const line = this.line;
        this.line = '';
        this.enter(line);
      } else if (ch !== '\n') {
        this.line += ch;
        if (this.state !== 'password') this.send(ch);
      }
    }
  }

  private enter(line: string): void {
    switch (this.state) {
      case 'sac':
        this.sacCommand(line.trim());
        return;
      case 'channelInfo':
        this.state = 'username';
        this.send(`${CRLF}Please enter login credentials.${CRLF}Username: `);
        return;
      case 'username':
        this.login.username = line;
        this.state = 'domain';
        this.send(`${CRLF}Domain  : `);
        return;
      case 'domain':
        this.login.domain = line;
        this.state = 'password';
        this.send(`${CRLF}Password: `);
        return;
      case 'password':
        if (
          this.login.username.toLowerCase() === this.guest.credentials.username.toLowerCase() &&
          line === this.guest.credentials.password
        ) {
          this.state = 'cmd';
          this.send(
            `${CRLF}${CRLF}Attempting to authenticate...${CRLF}${CRLF}Microsoft Windows [Version ${this.guest.build}]${CRLF}` +
              `(c) Microsoft Corporation. All rights reserved.${CRLF}${CRLF}${CMD_PROMPT}`,
          );
          return;
        }
        this.state = 'username';
        this.send(
          `${CRLF}Unable to authenticate via the specified credentials.${CRLF}${CRLF}Please enter login credentials.${CRLF}Username: `,
        );
        return;
      case 'cmd':
        this.cmdLine(line.trim());
        return;
      default:
        return;
    }
  }

  private sacCommand(line: string): void {
    if (line === '') {
      this.send(`${CRLF}SAC>`);
      return;
    }
    if (line.toLowerCase() === 'cmd') {
      if (this.options.hangAfter === 'cmd') {
        this.state = 'hung';
        return;
      }
      this.channel = { name: 'Cmd0001', open: true };
      this.send(
        `${CRLF}The Command Prompt session was successfully launched.${CRLF}SAC>${CRLF}` +
          `EVENT:   A new channel has been created.  Use "ch -?" for channel help.${CRLF}Channel: Cmd0001${CRLF}SAC>`,
      );
      return;
    }
    const switchTo = /^ch\s+-s([in])\s+(\S+)$/i.exec(line);
    if (switchTo) {
      const byIndex = switchTo[1]?.toLowerCase() === 'i';
      const wanted = switchTo[2] ?? '';
      const found = this.channel?.open && (byIndex ? wanted === '1' : wanted.toLowerCase() === this.channel.name.toLowerCase());
      if (!found) {
        this.send(`${CRLF}Error: There is no channel present at the specified index.${CRLF}SAC>`);
        return;
      }
      this.state = 'channelInfo';
      this.send(
        `${CRLF}Name:                  Cmd0001${CRLF}Description:           Command${CRLF}Type:                  VT-UTF8${CRLF}` +
          `Channel GUID:          5d2a9b3c-1f7e-11ee-9d4a-000d3a1b2c3d${CRLF}` +
          `Application Type GUID: 63d02271-8aa4-11d5-bccf-00b0d014a2d0${CRLF}${CRLF}` +
          `Press <esc><tab> for next channel.${CRLF}Press <esc><tab>0 to return to the SAC channel.${CRLF}` +
          `Use any other key to view this channel.${CRLF}`,
      );
      return;
    }
    this.send(`${CRLF}Unrecognized command.  Try the 'help' command for more details.${CRLF}SAC>`);
    return;
  }

  private cmdLine(line: string): void {
    const words = line.split(/\s+/).filter(Boolean);
    const verb = words[0]?.toLowerCase() ?? '';
    if (verb === '') {
      this.send(`${CRLF}${CMD_PROMPT}`);
      return;
    }
    if (verb === 'exit') {
      this.state = 'sac';
      if (this.channel) this.channel.open = false;
      this.send(`${CRLF}${CRLF}EVENT:   The Cmd0001 channel has been closed.${CRLF}SAC>`);
      return;
    }
    if (verb === 'echo') {
      const text = line
        .slice(4)
        .trim()
        .replace(/%ERRORLEVEL%/gi, String(this.errorLevel));
      this.send(`${CRLF}${text}${CRLF}${CRLF}${CMD_PROMPT}`);
      return;
    }
    if (verb === 'sc.exe' || verb === 'sc') {
      const result = runSc(this.guest.services, words.slice(1));
      this.errorLevel = result.exitCode;
      this.guest.changed();
      this.send(`${CRLF}${result.output}${CRLF}${CMD_PROMPT}`);
      return;
    }
    this.errorLevel = 9009;
    this.send(
      `${CRLF}'${words[0]}' is not recognized as an internal or external command,${CRLF}operable program or batch file.${CRLF}${CRLF}${CMD_PROMPT}`,
    );
    return;
  }
}
