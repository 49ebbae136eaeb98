/** The simulated RDP endpoint, judged by the real probe: each behaviour, and switching on one port. */
import { createServer } from 'node:net';
import type { RdpProbeResult } from '../../src/domain/rdpProbe';
import { probeRdp } from '../../src/rdp/probe';
import { startSimulatedRdpEndpoint, type EndpointBehaviour, type SimulatedRdpEndpoint } from '../../src/simulator/rdpEndpoint';
import { VirtualClock } from '../../src/simulator/virtualClock';

const clock = new VirtualClock(new Date('2026-01-05T03:00:00.000Z'));
const endpoints: SimulatedRdpEndpoint[] = [];

afterEach(async () => {
  await Promise.all(endpoints.splice(0).map((endpoint) => endpoint.close()));
});

async function endpoint(initial: EndpointBehaviour): Promise<SimulatedRdpEndpoint> {
  const started = await startSimulatedRdpEndpoint(initial);
  endpoints.push(started);
  return started;
}

function probe(target: SimulatedRdpEndpoint): Promise<RdpProbeResult> {
  return probeRdp({
    host: target.host,
    port: target.port,
    connectTimeoutMs: 300,
    confirmTimeoutMs: 1000,
    tlsTimeoutMs: 1000,
    now: () => clock.now(),
  });
}

const expectations: Array<[EndpointBehaviour, Partial<RdpProbeResult>]> = [
  ['healthy', { verdict: 'healthy', stage: 'done', selectedProtocol: 'HYBRID', error: null }],
  ['expired-certificate', { verdict: 'degraded', stage: 'done', error: 'CERTIFICATE_EXPIRED' }],
  ['reset-after-client-hello', { verdict: 'broken', stage: 'tls', error: 'RESET_AFTER_CLIENT_HELLO' }],
  ['negotiation-failure-cert-not-on-server', { verdict: 'broken', stage: 'x224', negotiationFailure: 'SSL_CERT_NOT_ON_SERVER' }],
  ['standard-rdp-only', { verdict: 'broken', stage: 'x224', error: 'STANDARD_RDP_ONLY' }],
  ['foreign-program', { verdict: 'broken', stage: 'x224', error: 'NOT_RDP' }],
  ['refused', { verdict: 'unreachable', stage: 'tcp', error: 'ECONNREFUSED' }],
  ['silent', { verdict: 'unreachable', stage: 'tcp', error: 'CONNECT_TIMEOUT' }],
];

describe('simulated RDP endpoint', () => {
  it.each(expectations)('%s -> the probe says %j', async (behaviour, expected) => {
    const target = await endpoint(behaviour);
    expect(target.behaviour()).toBe(behaviour);
    expect(await probe(target)).toMatchObject(expected);
  });

  it('presents the committed certificates: valid to 2099, expired in 2021', async () => {
    const target = await endpoint('healthy');
    expect((await probe(target)).certificate).toMatchObject({
      subject: 'CN=simulated-vm-valid',
      notAfter: '2099-12-31T23:59:59.000Z',
      expired: false,
    });
    await target.setBehaviour('expired-certificate');
    expect((await probe(target)).certificate).toMatchObject({
      subject: 'CN=simulated-vm-expired',
      notAfter: '2021-01-01T00:00:00.000Z',
      expired: true,
    });
  });

  it('names the foreign program as an HTTP server', async () => {
    const target = await endpoint('foreign-program');
    expect((await probe(target)).reason).toMatch(/HTTP server \("HTTP\/1\.1 400 Bad Request"\)/);
  });

  it('switches through every behaviour on the same port, in and out of refused and silent', async () => {
    const target = await endpoint('healthy');
    const port = target.port;
    const sequence: EndpointBehaviour[] = [
      'refused',
      'healthy',
      'silent',
      'reset-after-client-hello',
      'refused',
      'silent',
      'refused',
      'foreign-program',
      'expired-certificate',
      'negotiation-failure-cert-not-on-server',
      'standard-rdp-only',
      'healthy',
    ];
    const expected = new Map(expectations);
    for (const behaviour of sequence) {
      await target.setBehaviour(behaviour);
      const result = await probe(target);
      // The behaviour rides along so a failure names the step.
      expect({ behaviour, ...result }).toMatchObject({ behaviour, port, ...expected.get(behaviour) });
    }
    expect(target.port).toBe(port);
  });

  it('counts accepted connections; refused and dropped connects are never accepted', async () => {
    const target = await endpoint('refused');
    await probe(target);
    expect(target.connections()).toBe(0);
    await target.setBehaviour('silent');
    await probe(target);
    expect(target.connections()).toBe(0);
    await target.setBehaviour('healthy');
    await probe(target);
    await probe(target);
    expect(target.connections()).toBe(2);
  });

  it('starting as silent holds the port it was given', async () => {
    const target = await endpoint('silent');
    expect(await probe(target)).toMatchObject({ verdict: 'unreachable', error: 'CONNECT_TIMEOUT' });
    await target.setBehaviour('healthy');
    expect(await probe(target)).toMatchObject({ verdict: 'healthy', port: target.port });
  });

  it('moves to another port when its own was taken for good while refused, and answers there', async () => {
    const target = await endpoint('healthy');
    const before = target.port;
    await target.setBehaviour('refused');
    // Another program takes the released number and keeps it (another test's listener on a busy machine).
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen({ host: '127.0.0.1', port: before }, resolve));
    try {
      await target.setBehaviour('healthy');
      expect(target.port).not.toBe(before);
      expect(await probe(target)).toMatchObject({ verdict: 'healthy', port: target.port });
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  it('after close the port refuses and behaviours cannot be set', async () => {
    const target = await endpoint('healthy');
    await target.close();
    expect(await probe(target)).toMatchObject({ verdict: 'unreachable', error: 'ECONNREFUSED' });
    await expect(target.setBehaviour('healthy')).rejects.toThrow(/closed/);
  });
});
