import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Ports for processes a test or the benchmark starts on a port chosen in advance (a fleet behind
 * HAProxy, a NATS or Redis server of its own). Asking the OS for a free port (`listen(0)`) hands
 * out one of its ephemeral ports, the range every outgoing connection also takes its local port
 * from: with other test files opening thousands of connections, one of them could take the port
 * in the seconds before the process listened on it (CI: a fleet gateway's `EADDRINUSE`). So the
 * port comes from below the ephemeral range, where neither connections nor `listen(0)` go, and is
 * reserved for a while under the temp dir, so two test files (processes) never get the same one.
 */
const LOWEST_PORT = 10_000;
const RESERVED_FOR_MS = 10 * 60_000;
const ATTEMPTS = 200;
const reservations = join(tmpdir(), 'bizgraph-port-reservations');

/** The highest port handed out, and the reservation directory made: once per process. */
let highestPort: number | undefined;

/** A port nobody listens on, outside the OS's ephemeral range, reserved for this process for 10 minutes. */
export async function freePort(): Promise<number> {
  if (highestPort === undefined) {
    mkdirSync(reservations, { recursive: true });
    highestPort = Math.min(ephemeralRangeStart(), 65_536) - 1;
  }
  const highest = highestPort;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = LOWEST_PORT + Math.floor(Math.random() * (highest - LOWEST_PORT + 1));
    if (reserve(port) && (await canListen(port))) return port;
  }
  throw new Error(`no free port between ${LOWEST_PORT} and ${highest} after ${ATTEMPTS} attempts`);
}

/** Where the OS starts handing out ephemeral ports (Linux: ip_local_port_range; elsewhere IANA's 49152). */
export function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && Number.isInteger(low) && low > LOWEST_PORT + 1000) return low;
  } catch {
    // not Linux
  }
  return 49_152;
}

/** Claims `port` in the reservation directory unless another process claimed it less than 10 minutes ago. */
function reserve(port: number): boolean {
  const file = join(reservations, String(port));
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    if (Date.now() - statSync(file).mtimeMs < RESERVED_FOR_MS) return false;
    writeFileSync(file, String(process.pid)); // a stale claim: take it over (and renew its time)
    return true;
  } catch {
    return false;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
