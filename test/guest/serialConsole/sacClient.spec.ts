/**
 * The SAC client against the simulated SAC (sacModel.ts) over an in-memory stream: the whole login and command
 * set, and each way the console can misbehave, ending bounded with the named failure.
 */
import type { ConsoleStream, StreamEnd } from '../../../src/guest/serialConsole/consoleStream';
import { PASSWORD_PLACEHOLDER, restoreAgentServices } from '../../../src/guest/serialConsole/sacClient';
import { agentReady, stoppedAgentServices } from '../../../src/simulator/serialConsole/agentServices';
import { SacConsole } from '../../../src/simulator/serialConsole/sacModel';

const credentials = { username: 'rdpadmin', domain: '.', password: 'Pa55-not-shown' };
const timeouts = { promptMs: 200, stepMs: 200 };

function pair(answer: (text: string, push: (text: string | Buffer) => void, end: (e: StreamEnd) => void) => void) {
  let onData: (chunk: Buffer) => void = () => undefined;
  let onEnd: (end: StreamEnd) => void = () => undefined;
  let closed = false;
  const push = (text: string | Buffer) => setImmediate(() => onData(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8')));
  const end = (e: StreamEnd) => setImmediate(() => onEnd(e));
  const stream: ConsoleStream = {
    write: (text) => answer(text, push, end),
    onData: (l) => {
      onData = l;
    },
    onEnd: (l) => {
      onEnd = l;
    },
    received: () => 0,
    close: async () => {
      closed = true;
    },
  };
  return { stream, closed: () => closed };
}

function sacPair(password = credentials.password, options: { hangAfter?: 'cmd' } = {}) {
  const services = stoppedAgentServices();
  let shown = '';
  let push: (t: string) => void = () => undefined;
  const sac = new SacConsole(
    { services, credentials: { username: 'rdpadmin', password }, build: '10.0.20348.1', changed: () => undefined },
    (text) => {
      shown += text;
      push(text);
    },
    options,
  );
  const p = pair((text, pushText) => {
    push = pushText;
    sac.type(text);
  });
  return { ...p, services, shown: () => shown };
}

describe('SAC client', () => {
  it('logs in, sets both agent services to automatic, starts them, and logs out', async () => {
    const { stream, services, shown } = sacPair();
    const result = await restoreAgentServices(stream, credentials, ['RdAgent', 'WindowsAzureGuestAgent'], timeouts);
    expect(result).toMatchObject({ ok: true });
    expect(result.services).toEqual([
      { service: 'RdAgent', automatic: true, running: true },
      { service: 'WindowsAzureGuestAgent', automatic: true, running: true },
    ]);
    expect(agentReady(services)).toBe(true);
    expect(services.WindowsAzureGuestAgent.start).toBe('auto');
    expect(result.typed).toContain(PASSWORD_PLACEHOLDER);
    expect(result.typed.at(-1)).toBe('exit');
    expect(result.typed.join('\n')).not.toContain(credentials.password);
    expect(shown()).not.toContain(credentials.password);
  });

  it('a wrong password is loginFailed, and nothing is run', async () => {
    const { stream, services } = sacPair('another');
    const result = await restoreAgentServices(stream, credentials, ['WindowsAzureGuestAgent'], timeouts);
    expect(result).toMatchObject({ ok: false, failure: 'loginFailed' });
    expect(services.WindowsAzureGuestAgent.running).toBe(false);
  });

  it('a silent port is noSacPrompt within the prompt timeout', async () => {
    const { stream } = pair(() => undefined);
    const started = Date.now();
    const result = await restoreAgentServices(stream, credentials, ['WindowsAzureGuestAgent'], timeouts);
    expect(result).toMatchObject({ ok: false, failure: 'noSacPrompt' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a prompt that hangs after cmd is timedOut', async () => {
    const { stream } = sacPair(credentials.password, { hangAfter: 'cmd' });
    const result = await restoreAgentServices(stream, credentials, ['WindowsAzureGuestAgent'], timeouts);
    expect(result).toMatchObject({ ok: false, failure: 'timedOut' });
  });

  it('line noise is unreadable, not a missing prompt', async () => {
    const noise = Buffer.from(Array.from({ length: 96 }, (_, i) => (i * 37 + 11) % 256));
    const { stream } = pair((_text, push) => push(noise));
    const result = await restoreAgentServices(stream, credentials, ['WindowsAzureGuestAgent'], timeouts);
    expect(result).toMatchObject({ ok: false, failure: 'unreadable' });
  });

  it('a stream that ends mid-session is kicked', async () => {
    const { stream } = pair((text, push, end) => (text === '\r' ? push('\r\nSAC>') : end({ code: 1000, reason: '' })));
    const result = await restoreAgentServices(stream, credentials, ['WindowsAzureGuestAgent'], timeouts);
    expect(result).toMatchObject({ ok: false, failure: 'kicked' });
  });
});

describe('SAC client bounds', () => {
  it('the whole session is bounded, whatever each wait allows', async () => {
    const { stream } = sacPair(credentials.password, { hangAfter: 'cmd' });
    const started = Date.now();
    const result = await restoreAgentServices(stream, credentials, ['WindowsAzureGuestAgent'], {
      promptMs: 5000,
      stepMs: 5000,
      sessionMs: 300,
    });
    expect(result).toMatchObject({ ok: false, failure: 'timedOut' });
    if (!result.ok) expect(result.detail).toContain('time bound');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
