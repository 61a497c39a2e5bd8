import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueDevToken } from '../gateway/src/auth/dev-token.js';
import { freePort, startService, type ServiceProcess } from '../scripts/lib/processes.js';
import { readTopology } from '../scripts/lib/topology.js';
import type { EventsTransport } from './events-table.js';
import { BASE_ENV } from './setup.js';

/**
 * What `npm run bench -- --events` measures: the whole stack as separate processes on free ports
 * (stand-ins, every subgraph on its embedded database, the gateway), with the event runtime on
 * JetStream (a nats-server of the benchmark's own, never the shell's NATS_URL, whose stream and
 * durable consumers other stacks may share) or on signed HTTP.
 */
export interface EventsStack {
  gatewayUrl: string;
  token: string;
  /** Warnings and errors the processes logged so far, by process and message, with a sample of each. */
  troubles(): Record<string, { count: number; sample: string }>;
  stop(): Promise<void>;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** `nats-server -js` on a free port with its own store; `NATS_SERVER` names the binary (default on PATH). */
async function startNats(storeDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.env.NATS_SERVER || 'nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  for (let attempt = 0; !(await accepts(port)); attempt++) {
    if (attempt > 200 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`nats-server did not start on port ${port} (is it installed? NATS_SERVER names the binary)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      process.off('exit', killOnExit);
    },
  };
}

export async function startEventsStack(transport: EventsTransport, say: (message: string) => void): Promise<EventsStack> {
  const dataDir = mkdtempSync(join(tmpdir(), `bizgraph-events-bench-${transport}-`));
  const started: ServiceProcess[] = [];
  const nats = transport === 'jetstream' ? await startNats(join(dataDir, 'nats')) : undefined;
  // Blank NATS_URL reads as unset: the HTTP run must not pick up the shell's. Caches off: the
  // completion checks must see an invoice or a parcel the moment it exists, not a cached "none yet".
  const env: Record<string, string> = { ...BASE_ENV, PORT: '0', BIZGRAPH_DATA_DIR: dataDir, NATS_URL: nats?.url ?? '', RESPONSE_CACHE: 'off', ENTITY_CACHE: 'off' };
  const stop = async () => {
    await Promise.all(started.map((service) => service.stop()));
    await nats?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const track = async (promise: Promise<ServiceProcess>) => {
    const service = await promise;
    started.push(service);
    return service;
  };
  try {
    const topology = readTopology();
    const urls: Record<string, string> = {};
    await Promise.all(
      topology.map(async ({ name, entry, system }) => {
        const subgraphEnv = { ...env };
        if (system) subgraphEnv[system.apiUrlVariable] = (await track(startService({ name: system.name, entry: system.entry, env }))).url;
        urls[`SUBGRAPH_${name.toUpperCase()}_URL`] = `${(await track(startService({ name, entry, env: subgraphEnv }))).url}/graphql`;
      }),
    );
    const gateway = await track(startService({ name: 'gateway', entry: 'gateway/src/main.ts', env: { ...env, ...urls } }));
    const token = await issueDevToken(dataDir, { preset: 'admin' }, () => undefined);
    say(`${transport}: ${started.length} processes up${nats ? `, NATS at ${nats.url}` : ''}`);
    const troubles = () => {
      const found: Record<string, { count: number; sample: string }> = {};
      for (const service of started) {
        for (const line of service.logLines()) {
          if (line.level !== 'warn' && line.level !== 'error' && line.level !== 40 && line.level !== 50) continue;
          const key = `${service.name}: ${String(line.msg)}`;
          found[key] = { count: (found[key]?.count ?? 0) + 1, sample: String(line.error ?? line.err ?? '') };
        }
      }
      return found;
    };
    return { gatewayUrl: `${gateway.url}/graphql`, token, troubles, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
