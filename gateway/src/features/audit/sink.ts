import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../../../../common/config.js';
import { log } from '../../log.js';
import type { AuditSinkConfig } from './config.js';

/** Lines stdout has not taken beyond this are dropped (and counted): a stalled terminal must not grow the heap. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface AuditSink {
  /**
   * Appends one line (a newline is added). Never throws and never rejects: resolves `true` once the
   * line is handed to the OS, `false` when it was dropped (sink broken or saturated).
   */
  write(line: string): Promise<boolean>;
  /** Lines dropped so far. */
  dropped(): number;
  /** Flushes what is buffered and closes the file (stdout is left open). */
  close(): Promise<void>;
}

/**
 * Opens the audit sink. A file is opened (and created, mode 0600) here, so a path that cannot be
 * written stops the gateway at start-up with a message naming `AUDIT_LOG`. The lines written in one
 * turn of the event loop are joined and appended with one synchronous write at the end of that
 * turn, so lines land in the order they were written, each whole, and each line's promise resolves
 * with that write. Synchronous on purpose: an asynchronous file write hands every line to libuv's
 * thread pool, which cost ~25 µs of CPU per line (measured), more than the rest of the audit; a
 * local append of a few KB takes microseconds. A write that fails (disk full) marks the sink
 * broken: logged once, every later line dropped and counted.
 */
export function openAuditSink(config: Exclude<AuditSinkConfig, { kind: 'off' }>): AuditSink {
  const target = config.kind === 'stdout' ? 'stdout' : config.path;
  const output = config.kind === 'stdout' ? stdoutOutput() : fileOutput(config.path, config.createdByDefault);
  let broken = false;
  let saturated = false;
  let dropped = 0;
  let batch: { lines: string[]; written: Promise<boolean>; settle(ok: boolean): void } | undefined;

  const fail = (error: Error) => {
    if (broken) return;
    broken = true;
    log('error', 'audit log cannot be written: audit lines are dropped from now on', { target, error: error.message });
  };
  output.onError(fail);

  const drop = () => {
    dropped++;
    return Promise.resolve(false);
  };

  const flush = () => {
    const current = batch;
    // Already flushed by close().
    if (!current) return;
    batch = undefined;
    if (broken) {
      dropped += current.lines.length;
      return current.settle(false);
    }
    try {
      output.write(`${current.lines.join('\n')}\n`);
      current.settle(true);
    } catch (error) {
      fail(error as Error);
      dropped += current.lines.length;
      current.settle(false);
    }
  };

  return {
    write(line) {
      if (broken) return drop();
      if (output.pendingBytes() > MAX_BUFFERED_BYTES) {
        if (!saturated) log('error', 'audit log is not keeping up: audit lines are dropped until it drains', { target });
        saturated = true;
        return drop();
      }
      saturated = false;
      if (!batch) {
        let settle!: (ok: boolean) => void;
        const written = new Promise<boolean>((resolve) => (settle = resolve));
        batch = { lines: [], written, settle };
        setImmediate(flush);
      }
      batch.lines.push(line);
      return batch.written;
    },
    dropped: () => dropped,
    async close() {
      flush();
      if (dropped > 0) log('error', 'audit lines were dropped', { target, dropped });
      await output.close();
    },
  };
}

/** Where the joined lines go. `write` throws when the text could not be written. */
interface Output {
  write(text: string): void;
  /** Bytes accepted but not yet handed to the OS (stdout on a slow terminal). */
  pendingBytes(): number;
  onError(listener: (error: Error) => void): void;
  close(): Promise<void>;
}

/** stdout: synchronous for files and pipes on Linux; a failing pipe reports through its 'error' event. */
function stdoutOutput(): Output {
  return {
    write: (text) => void process.stdout.write(text),
    pendingBytes: () => process.stdout.writableLength,
    onError: (listener) => process.stdout.on('error', listener),
    // stdout stays open: the process's own log lines still go there.
    close: async () => {},
  };
}

function fileOutput(path: string, createDirectory: boolean): Output {
  let fd: number | undefined;
  try {
    if (createDirectory) mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'a', 0o600);
  } catch (error) {
    throw new ConfigError('AUDIT_LOG', `cannot append to ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return {
    write(text) {
      if (fd === undefined) throw new Error('the audit log is closed');
      const bytes = Buffer.from(text);
      // A regular file takes the whole buffer at once; the loop only guards against a short write.
      for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset);
    },
    pendingBytes: () => 0,
    onError: () => {},
    async close() {
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
    },
  };
}
