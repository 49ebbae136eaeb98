/** --follow's poll loop on a scripted transport: blips retried, real failures and --timeout reported with their codes. */
import { CliError } from '../../src/cli/cliError';
import { EXIT } from '../../src/cli/exitCodes';
import { followRepair } from '../../src/cli/follow';
import { parseBaseUrl } from '../../src/cli/httpTransport';
import { RepairApiClient } from '../../src/cli/repairApiClient';
import type { ApiResponse, Transport } from '../../src/cli/transport';

const ID = 'rdprepair-vm-a-0123456789abcdef';
const base = { id: ID, createdTime: '2026-01-05T03:00:00Z', lastUpdatedTime: '2026-01-05T03:00:00Z', timeline: [] };
const running: ApiResponse = { status: 200, json: true, body: { ...base, runtimeStatus: 'Running', currentStep: 'preflight' } };
const done: ApiResponse = {
  status: 200,
  json: true,
  body: { ...base, runtimeStatus: 'Completed', outcome: { kind: 'Repaired', reason: 'verified' } },
};
const unavailable: ApiResponse = { status: 503, json: true, body: null };

function scripted(responses: ApiResponse[]): Transport & { polls: number } {
  const transport = {
    target: 'http://127.0.0.1:1',
    polls: 0,
    send: async () => {
      const next = responses[Math.min(transport.polls, responses.length - 1)]!;
      transport.polls += 1;
      return next;
    },
    pause: async () => undefined,
    now: () => Date.parse('2026-01-05T03:00:10Z'),
    close: async () => undefined,
  };
  return transport;
}

async function follow(responses: ApiResponse[], timeoutMs?: number) {
  const transport = scripted(responses);
  const lines: string[] = [];
  const result = followRepair(new RepairApiClient(transport, true), transport, ID, {
    intervalMs: 1,
    timeoutMs,
    tty: false,
    line: (text) => lines.push(text),
    live: () => undefined,
  });
  return { result, transport, lines };
}

describe('followRepair', () => {
  it('retries polls that fail for a reason that may pass, and returns the final status', async () => {
    const { result, transport } = await follow([running, unavailable, unavailable, done]);
    await expect(result).resolves.toMatchObject({ runtimeStatus: 'Completed', outcome: { kind: 'Repaired' } });
    expect(transport.polls).toBe(4);
  });

  it('gives up after three failed polls in a row, with the failure it kept getting', async () => {
    const { result, transport } = await follow([running, unavailable, unavailable, unavailable, done]);
    await expect(result).rejects.toMatchObject({ exitCode: EXIT.appError, message: 'the app failed: HTTP 503' });
    expect(transport.polls).toBe(4);
  });

  it('does not retry an answer that will not change (a repair that does not exist)', async () => {
    const notFound: ApiResponse = {
      status: 404,
      json: true,
      body: { error: { code: 'RepairNotFound', message: 'No repair has the id.' } },
    };
    const { result, transport } = await follow([notFound, done]);
    await expect(result).rejects.toEqual(new CliError('No repair has the id.', EXIT.notFound, 'RepairNotFound'));
    expect(transport.polls).toBe(1);
  });

  it('stops at --timeout while the repair runs on, with its own code', async () => {
    const { result } = await follow([running], 0);
    await expect(result).rejects.toMatchObject({ exitCode: EXIT.followTimedOut, message: expect.stringContaining('still running') });
  });
});

describe('parseBaseUrl', () => {
  it.each([
    ['https://app.azurewebsites.net', 'https://app.azurewebsites.net/'],
    ['https://app.azurewebsites.net/', 'https://app.azurewebsites.net/'],
    ['https://app.azurewebsites.net/api/', 'https://app.azurewebsites.net/'],
    [' https://app.example/prefix/api?x=1#y ', 'https://app.example/prefix'],
  ])('reads %j as the app at %s', (raw, expected) => {
    expect(parseBaseUrl(raw).toString()).toBe(expected);
  });

  it('refuses a URL that carries the function key, without repeating it', () => {
    expect(() => parseBaseUrl('https://app.example/api?code=s3cret')).toThrow(
      new CliError('--url must not carry the key (?code=); pass it with --key or RDP_AUTOREPAIR_KEY', EXIT.usage),
    );
  });
});
