import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/lib/processes.js';

const run = promisify(execFile);

/**
 * A `redis-server` of the test's own on a free port (no persistence), for tests that must stop,
 * pause or count the commands of Redis without touching the machine's shared server.
 */
export interface OwnRedis {
  url: string;
  port: number;
  /** Runs `redis-cli -p <port> …` and returns its output. */
  cli(...args: string[]): Promise<string>;
  /** Calls of one command since start or `CONFIG RESETSTAT` (from INFO commandstats). */
  commandCalls(command: string): Promise<number>;
  /** SIGSTOP: the server keeps its sockets open and answers nothing (a hung Redis). */
  pause(): void;
  /** SIGKILL (also ends a paused server); resolves once it has exited. */
  kill(): Promise<void>;
}
export { freePort };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test that times out never reaches its cleanup: the server must not outlive the test process.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const cli = async (...args: string[]) => (await run('redis-cli', ['-p', String(port), ...args], { timeout: 5000 })).stdout.trim();
  for (let attempt = 0; ; attempt++) {
    const pong = await cli('ping').catch(() => '');
    if (pong === 'PONG') break;
    if (attempt > 100 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await sleep(50);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    cli,
    async commandCalls(command) {
      const stats = await cli('info', 'commandstats');
      const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats);
      return match ? Number(match[1]) : 0;
    },
    pause: () => void child.kill('SIGSTOP'),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
