/** The operator CLI: exit codes, output, bad arguments; in-process and once as a real child process. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import type { ProbeVerdict, RdpProbeResult } from '../../src/domain/rdpProbe';
import type { ProbeOptions } from '../../src/rdp/probe';
import { main, type CliIo } from '../../src/rdp/probeCli';
import { startSimulatedRdpEndpoint, type SimulatedRdpEndpoint } from '../../src/simulator/rdpEndpoint';

const sample: RdpProbeResult = {
  host: '10.0.0.4',
  port: 3389,
  stage: 'done',
  ok: true,
  verdict: 'healthy',
  reason: 'TLS handshake completed (TLSv1.3, HYBRID selected); certificate valid until 2099-12-31',
  selectedProtocol: 'HYBRID',
  negotiationFailure: null,
  tlsVersion: 'TLSv1.3',
  certificate: {
    subject: 'CN=vm1',
    issuer: 'CN=vm1',
    notBefore: '2025-01-01T00:00:00.000Z',
    notAfter: '2099-12-31T23:59:59.000Z',
    expired: false,
    fingerprint: 'CAF6A165F97473E73A393C742E4C4F31C5C3B7F4',
    fingerprint256: 'AA',
  },
  error: null,
  elapsedMs: 12,
};

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

function fakeProbe(result: RdpProbeResult): jest.Mock<Promise<RdpProbeResult>, [ProbeOptions]> {
  return jest.fn(async (_options: ProbeOptions) => result);
}

describe('probe CLI main()', () => {
  it.each<[ProbeVerdict, number]>([
    ['healthy', 0],
    ['degraded', 1],
    ['broken', 2],
    ['unreachable', 3],
    ['inconclusive', 4],
  ])('%s exits %i', async (verdict, code) => {
    const io = capture();
    expect(await main(['10.0.0.4'], io, fakeProbe({ ...sample, verdict }))).toBe(code);
  });

  it('prints aligned, readable lines', async () => {
    const io = capture();
    await main(['10.0.0.4'], io, fakeProbe(sample));
    expect(io.out).toBe(
      [
        'verdict      HEALTHY: TLS handshake completed (TLSv1.3, HYBRID selected); certificate valid until 2099-12-31',
        'target       10.0.0.4:3389',
        'stage        done',
        'protocol     HYBRID',
        'tls          TLSv1.3',
        'certificate  CN=vm1 (self-signed)',
        'validity     2025-01-01T00:00:00.000Z to 2099-12-31T23:59:59.000Z',
        'thumbprint   CAF6A165F97473E73A393C742E4C4F31C5C3B7F4 (SHA-1)',
        'elapsed      12 ms',
        '',
      ].join('\n'),
    );
    expect(io.err).toBe('');
  });

  it('shows negotiation failure and error, and no certificate, when there is none', async () => {
    const io = capture();
    const broken: RdpProbeResult = {
      ...sample,
      verdict: 'broken',
      ok: false,
      stage: 'x224',
      selectedProtocol: null,
      tlsVersion: null,
      certificate: null,
      negotiationFailure: 'SSL_CERT_NOT_ON_SERVER',
      error: 'NEGOTIATION_FAILURE',
      reason: 'negotiation failed',
    };
    await main(['10.0.0.4'], io, fakeProbe(broken));
    expect(io.out).toMatch(/^negotiation {2}SSL_CERT_NOT_ON_SERVER$/m);
    expect(io.out).toMatch(/^certificate {2}-$/m);
    expect(io.out).toMatch(/^error {8}NEGOTIATION_FAILURE$/m);
  });

  it('--json prints the result object as the last line', async () => {
    const io = capture();
    await main(['10.0.0.4', '--json'], io, fakeProbe(sample));
    const lines = io.out.trimEnd().split('\n');
    expect(JSON.parse(lines[lines.length - 1])).toEqual(sample);
  });

  it('passes host, port and --timeout-ms (to every stage) to the probe', async () => {
    const probe = fakeProbe(sample);
    await main(['vm1', '3390', '--timeout-ms', '1500'], capture(), probe);
    expect(probe).toHaveBeenCalledWith({ host: 'vm1', port: 3390, connectTimeoutMs: 1500, confirmTimeoutMs: 1500, tlsTimeoutMs: 1500 });
  });

  it.each([[[]], [['vm', 'port']], [['vm', '--bogus']], [['vm', '--timeout-ms', 'x']], [['vm', '1', '2']]])(
    'bad arguments %j exit 64 with a message and usage on stderr, never a stack trace',
    async (argv) => {
      const io = capture();
      const probe = fakeProbe(sample);
      expect(await main(argv, io, probe)).toBe(64);
      expect(io.err).toMatch(/^probe: .+\nusage: npm run probe -- <host> \[port\] \[--json\] \[--timeout-ms N\]\n$/);
      expect(io.err).not.toMatch(/\n\s+at /);
      expect(io.out).toBe('');
      expect(probe).not.toHaveBeenCalled();
    },
  );

  it('a probe that throws (a defect, never the host) exits 4, inconclusive, with one line on stderr', async () => {
    const io = capture();
    const probe = jest.fn(async (_options: ProbeOptions): Promise<RdpProbeResult> => {
      throw new TypeError("Cannot read properties of undefined (reading 'toISOString')");
    });
    expect(await main(['10.0.0.4'], io, probe)).toBe(4);
    expect(io.err).toBe(
      "probe: could not judge 10.0.0.4: the probe failed itself (Cannot read properties of undefined (reading 'toISOString'))\n",
    );
    expect(io.out).toBe('');
  });

  it('--help prints usage and exits 0', async () => {
    const io = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out).toMatch(/^usage: /);
  });

  it('runs the real probe by default', async () => {
    const endpoint = await startSimulatedRdpEndpoint('reset-after-client-hello');
    try {
      const io = capture();
      expect(await main(['127.0.0.1', String(endpoint.port), '--json'], io)).toBe(2);
      expect(JSON.parse(io.out)).toMatchObject({ verdict: 'broken', error: 'RESET_AFTER_CLIENT_HELLO', port: endpoint.port });
    } finally {
      await endpoint.close();
    }
  });
});

describe('probe CLI as a child process', () => {
  let dir: string;
  let endpoint: SimulatedRdpEndpoint;

  beforeAll(async () => {
    // Transpiled without type checking (tsc checks elsewhere): at runtime src/rdp imports only itself and
    // src/runtime (the Node version check).
    dir = mkdtempSync(join(tmpdir(), 'probe-cli-'));
    for (const room of ['rdp', 'runtime']) {
      const source = join(__dirname, '..', '..', 'src', room);
      mkdirSync(join(dir, room));
      for (const file of readdirSync(source).filter((name) => name.endsWith('.ts'))) {
        const output = ts.transpileModule(readFileSync(join(source, file), 'utf8'), {
          compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        });
        writeFileSync(join(dir, room, file.replace(/\.ts$/, '.js')), output.outputText);
      }
    }
    // Makes the child believe it runs on Node 20, the release the project refuses.
    writeFileSync(join(dir, 'as-node20.js'), "Object.defineProperty(process, 'version', { value: 'v20.20.2' });\n");
    endpoint = await startSimulatedRdpEndpoint('healthy');
  });

  afterAll(async () => {
    await endpoint?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function run(args: string[], nodeOptions: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...nodeOptions, join(dir, 'rdp', 'probeCli.js'), ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  it('exits 0 and prints JSON as the last line against a healthy endpoint', async () => {
    const { code, stdout, stderr } = await run(['127.0.0.1', String(endpoint.port), '--json', '--timeout-ms', '3000']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout.trimEnd().split('\n').pop() ?? '')).toMatchObject({
      verdict: 'healthy',
      host: '127.0.0.1',
      port: endpoint.port,
    });
  });

  it('exits 3 when the endpoint refuses', async () => {
    await endpoint.setBehaviour('refused');
    try {
      const { code, stdout } = await run(['127.0.0.1', String(endpoint.port)]);
      expect(code).toBe(3);
      expect(stdout).toMatch(/^verdict {6}UNREACHABLE: connection refused/);
    } finally {
      await endpoint.setBehaviour('healthy');
    }
  });

  it('on Node 20 stops at once with exit 78 and one clear line, probing nothing', async () => {
    const { code, stdout, stderr } = await run(['127.0.0.1', String(endpoint.port)], ['--require', join(dir, 'as-node20.js')]);
    expect({ code, stdout }).toEqual({ code: 78, stdout: '' });
    expect(stderr).toBe(
      'Node.js v20.20.2 is not supported: this app needs Node.js >=22.10 <25 (22 LTS from 22.10, or 24 LTS); install one ' +
        'and run again (.nvmrc names 22)\n',
    );
  });

  it('exits 64 on bad arguments without a stack trace', async () => {
    const { code, stdout, stderr } = await run(['127.0.0.1', 'notaport']);
    expect({ code, stdout }).toEqual({ code: 64, stdout: '' });
    expect(stderr).toBe(
      'probe: port must be a number from 1 to 65535, not "notaport"\nusage: npm run probe -- <host> [port] [--json] [--timeout-ms N]\n',
    );
  });
});
