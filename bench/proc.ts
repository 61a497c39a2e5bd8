import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * What the benchmark reads about a process from Linux's /proc, and CPU pinning with `taskset`.
 * The parsers are pure (tested in proc.test.ts); the readers return undefined when /proc is
 * missing or the process is gone, so a figure is absent rather than the benchmark crashing.
 */

/** utime + stime of a /proc/<pid>/stat line, in clock ticks (all threads of the process). */
export function parseCpuTicks(stat: string): number {
  // Field 2 (comm) is in parentheses and may itself contain spaces and ')': split after the last ')'.
  const end = stat.lastIndexOf(')');
  if (end < 0) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  const fields = stat
    .slice(end + 2)
    .trim()
    .split(/\s+/);
  // After comm, fields start at 3 (state); utime is field 14, stime field 15.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`no utime/stime in: ${stat.slice(0, 80)}`);
  return utime + stime;
}

/** VmRSS of a /proc/<pid>/status text, in bytes; undefined if absent (a zombie has none). */
export function parseRssBytes(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

let clockTicks: number | undefined;
/** USER_HZ, the unit of utime/stime (100 on every common Linux, asked once to be sure). */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU time (user + system) the process has used so far, in milliseconds. */
export function readCpuMs(pid: number): number | undefined {
  try {
    return (parseCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 1000) / clockTicksPerSecond();
  } catch {
    return undefined;
  }
}

/**
 * The machine's CPU time from the `cpu` line of /proc/stat, in clock ticks summed over every core:
 * busy (everything but idle and iowait) and the total.
 */
export function parseMachineTicks(stat: string): { busy: number; total: number } {
  const fields = /^cpu\s+([\d ]+)$/m.exec(stat)?.[1]?.trim().split(/\s+/).map(Number);
  if (!fields || fields.length < 5 || fields.some((value) => !Number.isFinite(value))) throw new Error('not a /proc/stat text');
  // user nice system idle iowait irq softirq steal (guest time is already counted in user)
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
}

export function readMachineTicks(): { busy: number; total: number } {
  return parseMachineTicks(readFileSync('/proc/stat', 'utf8'));
}

export function readRssBytes(pid: number): number | undefined {
  try {
    return parseRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS on an interval and keeps the peak; `stop()` takes a last sample. */
export function sampleRss(pid: number, everyMs = 250): { stop(): { peakBytes: number | undefined; samples: number } } {
  let peak: number | undefined;
  let samples = 0;
  const take = () => {
    const rss = readRssBytes(pid);
    if (rss === undefined) return;
    samples++;
    peak = Math.max(peak ?? 0, rss);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peakBytes: peak, samples };
    },
  };
}

/** Outcome of every `taskset` call, recorded in the results (a failure never stops the run). */
export interface PinningLog {
  available: boolean;
  failures: string[];
}

export function createPinning(): { pin(pid: number, core: number, label: string): boolean; log: PinningLog } {
  const log: PinningLog = { available: true, failures: [] };
  return {
    log,
    pin(pid, core, label) {
      if (!log.available) return false;
      try {
        // -a: every thread (V8's GC and compiler threads, libuv's pool), not just the main one.
        execFileSync('taskset', ['-a', '-cp', String(core), String(pid)], { stdio: 'ignore' });
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') log.available = false;
        log.failures.push(`${label} (pid ${pid}) → core ${core}: ${code === 'ENOENT' ? 'taskset not installed' : (error as Error).message.split('\n')[0]}`);
        return false;
      }
    },
  };
}
