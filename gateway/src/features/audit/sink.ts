import { closeSync, createWriteStream, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { ConfigError } from '../../../../common/config.js';
import { log } from '../../log.js';
import type { AuditSinkConfig } from './config.js';

/** Lines buffered in memory beyond this are dropped (and counted): a stalled disk must not grow the heap. */
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
 * written stops the gateway at start-up with a message naming `AUDIT_LOG`. Writes go through one
 * stream, so lines land in the order they were written, each whole. A write that fails later
 * (disk full, pipe closed) marks the sink broken: logged once, every later line dropped and counted.
 */
export function openAuditSink(config: Exclude<AuditSinkConfig, { kind: 'off' }>): AuditSink {
  const target = config.kind === 'stdout' ? 'stdout' : config.path;
  const stream: Writable = config.kind === 'stdout' ? process.stdout : openFile(config.path, config.createdByDefault);
  let broken = false;
  let saturated = false;
  let dropped = 0;

  const fail = (error: Error) => {
    if (broken) return;
    broken = true;
    log('error', 'audit log cannot be written: audit lines are dropped from now on', { target, error: error.message });
  };
  stream.on('error', fail);

  const drop = () => {
    dropped++;
    return Promise.resolve(false);
  };

  return {
    write(line) {
      if (broken) return drop();
      if (stream.writableLength > MAX_BUFFERED_BYTES) {
        if (!saturated) log('error', 'audit log is not keeping up: audit lines are dropped until it drains', { target });
        saturated = true;
        return drop();
      }
      saturated = false;
      return new Promise((resolve) => {
        stream.write(`${line}\n`, (error) => {
          if (!error) return resolve(true);
          fail(error);
          dropped++;
          resolve(false);
        });
      });
    },
    dropped: () => dropped,
    async close() {
      if (dropped > 0) log('error', 'audit lines were dropped', { target, dropped });
      if (config.kind === 'stdout' || stream.destroyed) return;
      await new Promise<void>((resolve) => {
        stream.once('close', () => resolve());
        stream.end();
      });
    },
  };
}

function openFile(path: string, createDirectory: boolean): Writable {
  let fd: number;
  try {
    if (createDirectory) mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'a', 0o600);
  } catch (error) {
    throw new ConfigError('AUDIT_LOG', `cannot append to ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return createWriteStream(path, { fd, flags: 'a' });
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}
