import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, nanos } from 'nats';
import { freePort } from '../../scripts/lib/processes.js';
import { EVENT_STREAM } from '../../subgraphs/shared/events/jetstream.js';

export { freePort };

/**
 * A `nats-server -js` of the test's own, on a free port with its own store directory, so tests
 * running at the same time never share a stream, and a test may stop NATS and start it again on
 * the same port and store (the stream and its consumers survive, as on a real restart).
 */
export interface OwnNats {
  url: string;
  port: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its store. */
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export async function startOwnNats(binary = '/usr/sbin/nats-server'): Promise<OwnNats> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'bizgraph-nats-'));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  // A test that times out never reaches its cleanup: the server must not outlive the test process.
  const killOnExit = () => child?.kill('SIGKILL');
  process.on('exit', killOnExit);

  async function start(): Promise<void> {
    const started = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], { stdio: 'ignore' });
    child = started;
    exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
    for (let attempt = 0; ; attempt++) {
      if (await accepts(port)) return;
      if (attempt > 200 || started.exitCode !== null) {
        started.kill('SIGKILL');
        throw new Error(`nats-server did not start on port ${port}`);
      }
      await sleep(50);
    }
  }

  async function stop(): Promise<void> {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async dispose() {
      await stop();
      process.off('exit', killOnExit);
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/** The event stream's `max_age` in hours (0: no limit), as the broker at `url` reports it. */
export async function streamMaxAgeHours(url: string, stream = EVENT_STREAM): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    const info = await (await nc.jetstreamManager()).streams.info(stream);
    return info.config.max_age / nanos(3_600_000);
  } finally {
    await nc.close();
  }
}
