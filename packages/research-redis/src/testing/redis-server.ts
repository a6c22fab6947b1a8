import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The message every test fails with when Redis is not installed (tests never skip). */
export const REDIS_SERVER_MISSING = 'redis-server not found: install it with apt-get install -y redis-server';

/** How long a started server may take to answer PING before the start fails. */
const READY_TIMEOUT_MS = 15_000;
/** How long a stop waits for the server to exit before it is killed. */
const STOP_TIMEOUT_MS = 5_000;

/** A throwaway `redis-server` on 127.0.0.1 without persistence, for tests and benchmarks. */
export interface TestRedisServer {
  /** The TCP port on 127.0.0.1. */
  readonly port: number;
  /** `redis://127.0.0.1:<port>` (with the password when one was set). */
  readonly url: string;
  /** True while the server process runs. */
  readonly running: boolean;
  /** Stops the server (SIGTERM, SIGKILL after 5 s); the port stays reserved for {@link restart}. */
  stop(): Promise<void>;
  /** Starts a fresh, empty server on the same port (stopping the running one first). */
  restart(): Promise<void>;
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}

/** Options of {@link startRedisServer}. */
export interface TestRedisServerOptions {
  /** `requirepass`: clients must authenticate with this password. */
  readonly password?: string;
  /** Where to look for `redis-server`; default the PATH, then /usr/bin, /usr/sbin, /usr/local/bin. */
  readonly searchDirectories?: readonly string[];
}

/** The PATH's directories, then /usr/bin, /usr/sbin and /usr/local/bin. */
function defaultDirectories(): string[] {
  return [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
}

/** Finds an executable `redis-server` in `directories` (default: the PATH, then the usual places); null when absent. */
export function findRedisServer(directories: readonly string[] = defaultDirectories()): string | null {
  for (const directory of directories) {
    if (directory === '') continue;
    const candidate = join(directory, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** A free TCP port on 127.0.0.1, as the kernel hands out for port 0. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

// Servers still running when the process exits are killed synchronously (the `exit` event allows
// only synchronous work). A test process killed with SIGKILL runs no handler: then the wrapper
// shell below sees its stdin close and stops the server.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
}

// The server runs under a shell that waits on its own stdin, a pipe from this process: when this
// process dies for any reason the pipe closes, `read` returns and the shell stops the server. So
// no redis-server outlives the test process that started it.
const WRAPPER = 'bin=$1; shift; "$bin" "$@" & pid=$!; trap \'kill $pid 2>/dev/null; wait $pid\' EXIT; read -r _ || true';

function spawnServer(binary: string, port: number, directory: string, password: string | undefined): ChildProcess {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory, '--daemonize', 'no', '--loglevel', 'warning', '--logfile', join(directory, 'redis.log')];
  if (password !== undefined) args.push('--requirepass', password);
  const child = spawn('/bin/sh', ['-c', WRAPPER, 'redis-wrapper', binary, ...args], {
    stdio: ['pipe', 'ignore', 'ignore'],
    // Its own process group, so that a kill reaches both the shell and the server.
    detached: true,
  });
  child.unref();
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Resolves once the server answers PING (or asks for a password), polling every 50 ms. */
async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server on port ${port} exited before answering PING`);
    if (await pingOnce(port)) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => {
      done(false);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      const reply = data.toString('latin1');
      done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  child.stdin?.end();
  const timer = setTimeout(() => {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts a real `redis-server` on a free port of 127.0.0.1 with persistence off
 * (`--save "" --appendonly no`) in its own temporary directory and waits (at most 15 s) until it
 * answers PING. Throws {@link REDIS_SERVER_MISSING} when `redis-server` is not installed.
 */
export async function startRedisServer(options: TestRedisServerOptions = {}): Promise<TestRedisServer> {
  const binary = findRedisServer(options.searchDirectories);
  if (binary === null) throw new Error(REDIS_SERVER_MISSING);
  installExitHook();
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), 'ensemble-redis-'));
  const password = options.password;
  let child: ChildProcess | null = null;
  const launch = async (): Promise<void> => {
    const started = spawnServer(binary, port, directory, password);
    child = started;
    await waitForPing(port, started);
  };
  await launch();
  const auth = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    get running() {
      return child !== null && child.exitCode === null && child.signalCode === null;
    },
    async stop() {
      if (child !== null) await stopChild(child);
    },
    async restart() {
      if (child !== null) await stopChild(child);
      await launch();
    },
    async close() {
      if (child !== null) await stopChild(child);
      child = null;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
