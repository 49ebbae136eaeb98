/**
 * Prints probe timings and what xrdp logs after each kind of probe; a measurement, not a test (benchmarks print figures, tests assert
 * behaviour). Needs xrdp. Run: npx tsc -p tsconfig.json --outDir /tmp/probe-measure &&
 *   node /tmp/probe-measure/test/rdp/support/measureProbe.js [probes=20]
 */
// First: on an unsupported Node.js this stops before anything else loads.
import '../../../src/runtime/requireSupportedNode';
import { performance } from 'node:perf_hooks';
import { probeRdp, PROBE_DEFAULTS } from '../../../src/rdp/probe';
import { buildConnectionConfirm, PROTOCOL_SSL } from '../../../src/rdp/x224';
import { holdPortWithoutAnswering } from '../../../src/simulator/rdpEndpointBlackhole';
import { closedPort, onConnectionRequest, startFaultListener } from './faultListener';
import { fixturePath } from './fixtures';
import { startXrdp, stopAllXrdp, type XrdpConfig } from './xrdp';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 20);
  const xrdp = await startXrdp({
    securityLayer: 'negotiate',
    certificate: fixturePath('valid-cert.pem'),
    keyFile: fixturePath('valid-key.pem'),
  });
  try {
    await probeRdp({ host: '127.0.0.1', port: xrdp.port }); // warm-up: first TLS context, first xrdp thread
    const times: number[] = [];
    for (let index = 0; index < count; index += 1) {
      const started = performance.now();
      const result = await probeRdp({ host: '127.0.0.1', port: xrdp.port });
      times.push(performance.now() - started);
      if (result.verdict !== 'healthy') throw new Error(`probe ${index} was ${result.verdict}: ${result.reason}`);
    }
    times.sort((a, b) => a - b);
    const at = (q: number): string => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
    console.log(`healthy xrdp, ${count} probes: median ${at(0.5)} ms, min ${at(0)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms`);
  } finally {
    await stopAllXrdp();
  }

  console.log('xrdp log (ERROR and WARN lines) after one probe of each kind:');
  for (const [label, config, now] of XRDP_CASES) await reportXrdpLog(label, config, now);

  console.log(
    `worst case per stage, default timeouts ` +
      `${PROBE_DEFAULTS.connectTimeoutMs}/${PROBE_DEFAULTS.confirmTimeoutMs}/${PROBE_DEFAULTS.tlsTimeoutMs} ms:`,
  );
  const port = await closedPort();
  const blackhole = await holdPortWithoutAnswering('127.0.0.1', port);
  await report('connect (SYN dropped)', port);
  await blackhole.release();

  const silent = await startFaultListener(() => undefined);
  await report('Connection Confirm (accepts, never answers)', silent.port);
  await silent.close();

  const tlsHang = await startFaultListener((socket) =>
    onConnectionRequest(socket, () => socket.write(buildConnectionConfirm({ kind: 'selected', selectedProtocol: PROTOCOL_SSL }))),
  );
  await report('TLS (selects SSL, never answers the ClientHello)', tlsHang.port);
  await tlsHang.close();
}

const valid = { certificate: fixturePath('valid-cert.pem'), keyFile: fixturePath('valid-key.pem') };
const XRDP_CASES: Array<[string, XrdpConfig, Date | undefined]> = [
  ['healthy, TLS 1.3', { securityLayer: 'negotiate', ...valid, sslProtocols: 'TLSv1.3' }, undefined],
  ['healthy, TLS 1.2', { securityLayer: 'negotiate', ...valid, sslProtocols: 'TLSv1.2' }, undefined],
  ['certificate expiring (clock 2099-12-22)', { securityLayer: 'tls', ...valid }, new Date('2099-12-22T00:00:00Z')],
  [
    'certificate expired',
    { securityLayer: 'tls', certificate: fixturePath('expired-cert.pem'), keyFile: fixturePath('expired-key.pem') },
    undefined,
  ],
  ['only TLS 1.0', { securityLayer: 'tls', ...valid, sslProtocols: 'TLSv1', tlsCiphers: 'DEFAULT:@SECLEVEL=0' }, undefined],
  ['only TLS 1.1', { securityLayer: 'tls', ...valid, sslProtocols: 'TLSv1.1', tlsCiphers: 'DEFAULT:@SECLEVEL=0' }, undefined],
  [
    'key does not match the certificate',
    { securityLayer: 'negotiate', certificate: valid.certificate, keyFile: fixturePath('mismatched-key.pem') },
    undefined,
  ],
  ['certificate file missing', { securityLayer: 'tls', certificate: fixturePath('no-such-cert.pem'), keyFile: valid.keyFile }, undefined],
  ['security_layer=rdp', { securityLayer: 'rdp', ...valid }, undefined],
];

async function reportXrdpLog(label: string, config: XrdpConfig, now: Date | undefined): Promise<void> {
  const xrdp = await startXrdp(config);
  try {
    const mark = xrdp.logMark();
    const result = await probeRdp({ host: '127.0.0.1', port: xrdp.port, ...(now ? { now: () => now } : {}) });
    const lines = (await xrdp.logAfter(mark))
      .split('\n')
      .filter((line) => /\[(ERROR|WARN)/.test(line))
      .map((line) => line.replace(/^\[[^\]]*\] /, ''));
    console.log(`  ${label}: ${result.verdict} ${result.error ?? ''}`);
    for (const line of lines) console.log(`      ${line}`);
  } finally {
    await xrdp.stop();
  }
}

async function report(label: string, port: number): Promise<void> {
  const started = performance.now();
  const result = await probeRdp({ host: '127.0.0.1', port });
  console.log(`  ${label}: ${(performance.now() - started).toFixed(0)} ms -> ${result.verdict} ${result.error}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
