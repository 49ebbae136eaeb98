/**
 * Starts a real xrdp (Debian package `xrdp`) on 127.0.0.1 for one test: no systemd, no daemon, a temp ini
 * and log, stopped by pid. xrdp 0.9 in `-n` mode writes no pid file, so several can run at once.
 * xrdp always reads /etc/xrdp/rsakeys.ini at start (path compiled in), which the package's postinst
 * creates with xrdp-keygen.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface XrdpConfig {
  securityLayer: 'tls' | 'rdp' | 'negotiate';
  certificate: string;
  keyFile: string;
  sslProtocols?: string;
  tlsCiphers?: string;
}

export interface RunningXrdp {
  port: number;
  pid: number;
  log(): string;
  /** Where the log file ends now, for logAfter. */
  logMark(): number;
  /**
   * The log file written after `mark`, once every connection xrdp logged there is closed (or after a bounded
   * wait): what xrdp had to say about the connections made meanwhile.
   */
  logAfter(mark: number): Promise<string>;
  stop(): Promise<void>;
}

/** Generous: on a loaded 2-core machine xrdp can take seconds to start listening. */
const START_TIMEOUT_MS = 15_000;
const LOG_SETTLE_TIMEOUT_MS = 3_000;
/** xrdp writes a line or two (a failed DisconnectProviderUltimatum) just after closing a connection. */
const LOG_STILL_MS = 100;
const STOP_TIMEOUT_MS = 5_000;

/** Every xrdp this module started and has not stopped, so afterAll can stop even one still starting. */
const started = new Set<() => Promise<void>>();

export async function stopAllXrdp(): Promise<void> {
  await Promise.all([...started].map((stop) => stop()));
}

/** Compiled into xrdp 0.9 (no ini key moves it); xrdp refuses to start without it, whatever security_layer says. */
const RSA_KEYS = '/etc/xrdp/rsakeys.ini';

/** Fails loudly, with the fix, when the machine cannot run the real-server tests. */
export function assertXrdpUsable(): string {
  const binary = xrdpBinary();
  try {
    accessSync(RSA_KEYS, constants.R_OK);
  } catch {
    throw new Error(
      `${RSA_KEYS} is missing or unreadable by this user: xrdp will not start. The xrdp package's postinst creates it ` +
        `(xrdp-keygen xrdp auto ${RSA_KEYS}); run the tests as root or make it readable.`,
    );
  }
  return binary;
}

export function xrdpBinary(): string {
  for (const candidate of ['/usr/sbin/xrdp', '/usr/local/sbin/xrdp']) {
    if (existsSync(candidate)) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v xrdp'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status === 0 && found !== '') return found;
  throw new Error('xrdp is not installed: the RDP probe tests need a real RDP server (apt-get install -y xrdp)');
}

export async function startXrdp(config: XrdpConfig): Promise<RunningXrdp> {
  // A free port can be taken between asking and binding; a few attempts absorb that race.
  let lastError: unknown;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      return await startOnce(config, await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(config: XrdpConfig, port: number): Promise<RunningXrdp> {
  const binary = xrdpBinary();
  const dir = mkdtempSync(join(tmpdir(), 'xrdp-probe-test-'));
  const ini = join(dir, 'xrdp.ini');
  const logFile = join(dir, 'xrdp.log');
  writeFileSync(
    ini,
    [
      '[Globals]',
      'ini_version=1',
      'fork=false',
      `port=tcp://127.0.0.1:${port}`,
      'use_vsock=false',
      `security_layer=${config.securityLayer}`,
      'crypt_level=high',
      `certificate=${config.certificate}`,
      `key_file=${config.keyFile}`,
      `ssl_protocols=${config.sslProtocols ?? 'TLSv1.2, TLSv1.3'}`,
      ...(config.tlsCiphers ? [`tls_ciphers=${config.tlsCiphers}`] : []),
      '[Logging]',
      `LogFile=${logFile}`,
      'LogLevel=DEBUG',
      'EnableSyslog=false',
      'EnableConsole=true',
      'ConsoleLevel=INFO',
      '[Channels]',
      '',
    ].join('\n'),
  );
  const child = spawn(binary, ['-n', '-c', ini], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // xrdp's console output is block-buffered on a pipe; its log file is written line by line.
  const fileLog = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const log = (): string => fileLog() + output;
  const stop = async (): Promise<void> => {
    await stopChild(child, exited);
    rmSync(dir, { recursive: true, force: true });
    started.delete(stop);
  };
  started.add(stop);
  try {
    await waitUntilAccepting(child, log, port);
    // xrdp logs the readiness connection as a failed client; let that finish so a test's log mark starts after it.
    await settledLogAfter(fileLog, 0);
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error('xrdp started without a pid');
  return { port, pid: child.pid, log, logMark: () => fileLog().length, logAfter: (mark) => settledLogAfter(fileLog, mark), stop };
}

/**
 * Ready means a TCP connect to the port succeeds: what the probe itself needs. xrdp's "listening" log line
 * can be written before the socket accepts, and the log can lag behind under load.
 */
async function waitUntilAccepting(child: ChildProcess, output: () => string, port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`xrdp exited before accepting on ${port} (code ${child.exitCode}):\n${output()}`);
    }
    if (await connects(port, Math.max(1, Math.min(500, deadline - Date.now())))) return;
    if (Date.now() >= deadline) throw new Error(`xrdp did not accept connections on ${port} within ${START_TIMEOUT_MS} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function connects(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Done when every connection logged since `since` is closed and the log has been still for a moment. */
async function settledLogAfter(log: () => string, since: number): Promise<string> {
  const deadline = Date.now() + LOG_SETTLE_TIMEOUT_MS;
  let previous = '';
  let stillSince = Date.now();
  for (;;) {
    const text = log().slice(since);
    if (text !== previous) {
      previous = text;
      stillSince = Date.now();
    }
    const received = text.split('connection received').length - 1;
    const closed = text.split('Closed socket').length - 1;
    const allClosed = received > 0 && closed >= received;
    if ((allClosed && Date.now() - stillSince >= LOG_STILL_MS) || Date.now() >= deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (!stopped) {
    child.kill('SIGKILL');
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
