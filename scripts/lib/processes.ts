import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { isInsideProject, PROJECT_ROOT } from '../../common/project-root.js';

export const ROOT = PROJECT_ROOT;

export interface ServiceProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Spawn to its `listening` line, in milliseconds (a cold start, when nothing else is starting). */
  startedInMs: number;
  /** Everything the process printed (stdout and stderr; the last 20,000 lines), for diagnosing a failed test. */
  output(): string;
  /** The JSON log lines it printed (the same window), parsed; other lines are skipped. */
  logLines(): Record<string, unknown>[];
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  /** Entry file relative to the project root, e.g. `subgraphs/crm/main.ts`. */
  entry: string;
  env?: Record<string, string | undefined>;
  args?: string[];
  /** Options for Node itself, before the entry (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeOptions?: string[];
  timeoutMs?: number;
  /** Called with every output line (the supervisor prefixes and prints them). */
  onLine?(line: string, stream: 'stdout' | 'stderr'): void;
}

/**
 * How to run a source entry: from the build named by `BIZGRAPH_BUILD_DIR` (`npm run build`'s
 * `dist`, or the test run's own build) when that build belongs to this project and holds the
 * entry; otherwise the TypeScript source through `tsx`. A build elsewhere (another checkout's)
 * is ignored: its modules would read that checkout's schema.
 */
export function nodeArgsFor(entry: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const buildDir = env.BIZGRAPH_BUILD_DIR ? resolve(ROOT, env.BIZGRAPH_BUILD_DIR) : undefined;
  if (buildDir && isInsideProject(buildDir)) {
    const built = join(buildDir, entry.replace(/\.ts$/, '.js'));
    // Source-mapped stack traces for development and tests; production skips their cost on every error.
    if (existsSync(built)) return env.NODE_ENV === 'production' ? [built] : ['--enable-source-maps', built];
  }
  return ['--import', 'tsx', entry];
}

/**
 * Starts an entry (`subgraphs/crm/main.ts`) as its own Node process and resolves once it prints its
 * `{"msg":"listening","url":…}` line (PORT=0 in tests, so the URL carries the real port).
 */
export function startService(options: StartOptions): Promise<ServiceProcess> {
  const env = { ...process.env, ...options.env };
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), ...nodeArgsFor(options.entry, env), ...(options.args ?? [])], {
    cwd: ROOT,
    // The child watches this stdin pipe and exits when it closes, so a supervisor or test
    // runner that dies (even by SIGKILL) never leaves orphaned services holding ports.
    env: { ...env, BIZGRAPH_EXIT_WITH_PARENT: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (graceMs = 5000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => {
      void stop(0);
      reject(new Error(`${options.name} did not start within ${options.timeoutMs ?? 180_000} ms:\n${lines.join('\n')}`));
    }, options.timeoutMs ?? 180_000);
    const watch = (stream: NodeJS.ReadableStream, kind: 'stdout' | 'stderr') => {
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        // One log line per request: room for a load test's worth without holding a whole soak.
        if (lines.length > 20_000) lines.shift();
        options.onLine?.(line, kind);
        if (kind !== 'stdout' || !line.includes('"msg":"listening"')) return;
        try {
          const { url } = JSON.parse(line) as { url: string };
          clearTimeout(timeout);
          resolve({ name: options.name, url, child, startedInMs: performance.now() - spawnedAt, output: () => lines.join('\n'), logLines: () => parseLogLines(lines), stop });
        } catch {
          // not our line
        }
      });
    };
    watch(child.stdout!, 'stdout');
    watch(child.stderr!, 'stderr');
    child.once('exit', (code, signal) => {
      clearTimeout(timeout);
      reject(new Error(`${options.name} exited (${code ?? signal}) before listening:\n${lines.join('\n')}`));
    });
  });
}

function parseLogLines(lines: readonly string[]): Record<string, unknown>[] {
  const parsed: Record<string, unknown>[] = [];
  for (const line of lines) {
    if (!line.startsWith('{"level":')) continue;
    try {
      parsed.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line cut short by a crash
    }
  }
  return parsed;
}

/** A port nobody listens on, chosen outside the OS's ephemeral range (`free-port.ts`). */
export { freePort } from './free-port.js';
