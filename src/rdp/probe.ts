/**
 * The RDP handshake probe: TCP connect -> X.224 Connection Request with RDP_NEG_REQ (SSL|HYBRID) ->
 * Connection Confirm -> TLS handshake on the same socket -> certificate. It sees what mstsc sees before
 * credentials are involved, which is where "An internal error has occurred" happens.
 * Never rejects: every failure, including bad options, is a result with a verdict.
 */
import { performance } from 'node:perf_hooks';
import type { RdpProbeResult } from '../domain/rdpProbe';
import { describeCertificate } from './certificate';
import { decideAfterConfirm } from './confirmDecision';
import { readConnectionConfirm } from './connectionConfirmReader';
import type { ProbeOutcome } from './probeOutcome';
import { connectTcp } from './tcpConnect';
import { classifyTlsFailure, isLegacyTlsSymptom } from './tlsFailure';
import { handshakeTls } from './tlsHandshake';
import { judgeOutcome } from './verdict';
import { buildConnectionRequest, isValidMstshashCookie, PROTOCOL_HYBRID, PROTOCOL_SSL } from './x224';

export interface ProbeOptions {
  host: string;
  /** Default 3389. */
  port?: number;
  /** Each stage has its own deadline; defaults 5000 ms each. */
  connectTimeoutMs?: number;
  confirmTimeoutMs?: number;
  tlsTimeoutMs?: number;
  /** A certificate expiring within this many days makes the verdict degraded. Default 14. */
  expiryWarningDays?: number;
  mstshashCookie?: string;
  /** The clock certificate validity is judged against; the simulator passes its virtual clock. */
  now?: () => Date;
}

export const PROBE_DEFAULTS = {
  port: 3389,
  connectTimeoutMs: 5000,
  confirmTimeoutMs: 5000,
  tlsTimeoutMs: 5000,
  expiryWarningDays: 14,
} as const;

/** setTimeout's ceiling; a longer "timeout" would silently become 1 ms. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

interface ProbeSettings {
  host: string;
  port: number;
  connectTimeoutMs: number;
  confirmTimeoutMs: number;
  tlsTimeoutMs: number;
  expiryWarningDays: number;
  mstshashCookie: string | undefined;
  now: () => Date;
}

export async function probeRdp(options: ProbeOptions): Promise<RdpProbeResult> {
  const started = performance.now();
  const host = typeof options?.host === 'string' ? options.host : '';
  const port = typeof options?.port === 'number' ? options.port : PROBE_DEFAULTS.port;
  let outcome: ProbeOutcome;
  let now = new Date();
  let expiryWarningDays: number = PROBE_DEFAULTS.expiryWarningDays;
  try {
    const settings = resolveSettings(options);
    if (typeof settings === 'string') {
      outcome = { kind: 'invalid-options', problem: settings };
    } else {
      expiryWarningDays = settings.expiryWarningDays;
      outcome = await probeWithLegacyRetry(settings);
      now = settings.now();
    }
  } catch (unexpected) {
    // Only a defect in the probe (or a throwing `now`) gets here; say so rather than blame the server.
    outcome = { kind: 'probe-error', message: unexpected instanceof Error ? unexpected.message : String(unexpected) };
  }
  const judgement = judgeOutcome(outcome, { now, expiryWarningDays });
  // Spelled out so the JSON reads in the order of the contract (RdpProbeResult in src/domain/rdpProbe.ts).
  return {
    host,
    port,
    stage: judgement.stage,
    ok: judgement.ok,
    verdict: judgement.verdict,
    reason: judgement.reason,
    selectedProtocol: judgement.selectedProtocol,
    negotiationFailure: judgement.negotiationFailure,
    tlsVersion: judgement.tlsVersion,
    certificate: judgement.certificate,
    error: judgement.error,
    elapsedMs: Math.round(performance.now() - started),
  };
}

async function probeWithLegacyRetry(settings: ProbeSettings): Promise<ProbeOutcome> {
  const first = await attempt(settings, false);
  if (first.kind !== 'tls-failed' || !isLegacyTlsSymptom(first.failure)) return first;
  // A server limited to TLS 1.0/1.1 refuses a modern ClientHello with protocol_version (or the client
  // refuses its old version). That is a degraded server, not a broken one, if the old version works.
  const retry = await attempt(settings, true);
  if (retry.kind === 'tls-completed') return retry;
  return { ...first, legacyRetried: true };
}

async function attempt(settings: ProbeSettings, legacy: boolean): Promise<ProbeOutcome> {
  const tcp = await connectTcp(settings.host, settings.port, settings.connectTimeoutMs);
  if (tcp.kind === 'timeout') return { kind: 'connect-timeout', timeoutMs: settings.connectTimeoutMs };
  if (tcp.kind === 'failed') return { kind: 'connect-failed', code: tcp.code, message: tcp.message };
  const channel = tcp.channel;
  try {
    channel.write(buildConnectionRequest({ requestedProtocols: PROTOCOL_SSL | PROTOCOL_HYBRID, mstshashCookie: settings.mstshashCookie }));
    const decision = decideAfterConfirm(await readConnectionConfirm(channel, settings.confirmTimeoutMs));
    if (decision.kind === 'stop') return decision.outcome;
    const tls = await handshakeTls(channel, decision.early, { host: settings.host, timeoutMs: settings.tlsTimeoutMs, legacy });
    if (tls.kind === 'failed') {
      return {
        kind: 'tls-failed',
        selectedProtocol: decision.selectedProtocol,
        failure: classifyTlsFailure(tls.observation),
        legacyRetried: false,
      };
    }
    return {
      kind: 'tls-completed',
      selectedProtocol: decision.selectedProtocol,
      tlsVersion: tls.tlsVersion,
      legacyOnly: legacy,
      certificate: tls.certificate === null ? null : describeCertificate(tls.certificate, settings.now()),
    };
  } finally {
    channel.destroy();
  }
}

/** The settings, or what is wrong with the options. */
function resolveSettings(options: ProbeOptions): ProbeSettings | string {
  if (typeof options !== 'object' || options === null) return 'options must be an object';
  const host = options.host;
  if (typeof host !== 'string' || host.trim() === '' || /\s/.test(host)) return 'host must be a non-empty name or address without spaces';
  const port = options.port ?? PROBE_DEFAULTS.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `port ${String(port)} is not a TCP port (1-65535)`;
  const timeouts = {
    connectTimeoutMs: options.connectTimeoutMs ?? PROBE_DEFAULTS.connectTimeoutMs,
    confirmTimeoutMs: options.confirmTimeoutMs ?? PROBE_DEFAULTS.confirmTimeoutMs,
    tlsTimeoutMs: options.tlsTimeoutMs ?? PROBE_DEFAULTS.tlsTimeoutMs,
  };
  for (const [name, value] of Object.entries(timeouts)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
      return `${name} must be a positive number of milliseconds up to ${MAX_TIMEOUT_MS}`;
    }
  }
  const expiryWarningDays = options.expiryWarningDays ?? PROBE_DEFAULTS.expiryWarningDays;
  if (typeof expiryWarningDays !== 'number' || !Number.isFinite(expiryWarningDays) || expiryWarningDays < 0) {
    return 'expiryWarningDays must be a number of days >= 0';
  }
  if (options.mstshashCookie !== undefined && !isValidMstshashCookie(options.mstshashCookie)) {
    return 'mstshashCookie must be 1-127 printable ASCII characters without spaces';
  }
  const now = options.now ?? (() => new Date());
  if (typeof now !== 'function') return 'now must be a function returning a Date';
  return { host, port, ...timeouts, expiryWarningDays, mstshashCookie: options.mstshashCookie, now };
}
