/**
 * Starts a real xrdp (Debian package `xrdp`) on 127.0.0.1 for one test: no systemd, no daemon, a temp ini
 * and log, stopped by pid. xrdp 0.9 in `-n` mode writes no pid file, so several can run at once.
 * xrdp always reads /etc/xrdp/rsakeys.ini at start (path compiled in), which the package's postinst
 * creates with xrdp-keygen.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
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
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 5_000;
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
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '') + output;
  const stop = async (): Promise<void> => {
    await stopChild(child, exited);
    rmSync(dir, { recursive: true, force: true });
    started.delete(stop);
  };
  started.add(stop);
  try {
    await waitForListening(child, log, port);
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error('xrdp started without a pid');
  return { port, pid: child.pid, log, stop };
}

function waitForListening(child: ChildProcess, output: () => string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = setInterval(() => {
      if (output().includes(`listening to port ${port}`)) {
        clearInterval(check);
        resolve();
      } else if (child.exitCode !== null || child.signalCode !== null) {
        clearInterval(check);
        reject(new Error(`xrdp exited before listening on ${port} (code ${child.exitCode}):\n${output()}`));
      } else if (Date.now() - started > START_TIMEOUT_MS) {
        clearInterval(check);
        reject(new Error(`xrdp did not listen on ${port} within ${START_TIMEOUT_MS} ms:\n${output()}`));
      }
    }, 10);
  });
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
