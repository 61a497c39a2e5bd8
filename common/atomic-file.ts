import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';

/**
 * Replaces a file so that readers (a gateway polling the supergraph, a Prometheus textfile
 * collector, a restarting stand-in) see the old contents or the new, never half a file, and a
 * crash mid-write leaves the old file: write a temporary file beside it (same directory, so the
 * rename is atomic), fsync it, rename it over the target; on failure the temporary file is removed.
 * The temporary name is unique per call, so two writers in one process never share one.
 */
export async function writeFileAtomically(path: string, contents: string): Promise<void> {
  const temporary = temporaryName(path);
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(contents, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** `writeFileAtomically` for command-line tools that write one file and exit. */
export function writeFileAtomicallySync(path: string, contents: string): void {
  const temporary = temporaryName(path);
  try {
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, contents, null, 'utf8');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function temporaryName(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}
