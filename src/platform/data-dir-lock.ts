// One process at a time may open an embedded (PGlite) database directory: PGlite has no
// locking of its own, and a second process writing the same files corrupts the database.
// The lock is a file holding the owner's pid, created exclusively; a lock whose process is
// gone (killed, crashed) is stale and taken over. Removed on close and on process exit.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from './startup-errors.ts';

export const lockFileName = 'pglite.lock';

export class DataDirLockedError extends StartupError {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      'DATA_DIR',
      `The embedded database in ${dir} is in use by process ${pid} (npm start, npm run seed and npm run db:migrate cannot share it): stop that process, or set DATA_DIR to another directory.`,
    );
  }
}

export interface DataDirLock {
  release(): void;
}

function holderPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lock files this process holds: a file naming our own pid but not in here was left by an
 *  earlier process that had the same pid (containers restart with the same pid). */
const heldHere = new Set<string>();

/** Takes the lock of `dir` for this process or throws DataDirLockedError naming the holder. */
export function lockDataDir(dir: string): DataDirLock {
  const file = path.join(dir, lockFileName);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw error;
      const pid = holderPid(file);
      // a second open in this very process is refused too: it would corrupt the files as well
      const held = pid === process.pid ? heldHere.has(file) : pid !== undefined && isRunning(pid);
      if (held) throw new DataDirLockedError(dir, pid!);
      // stale (its process is gone) or unreadable (a writer died before writing its pid).
      // Two processes taking over the same stale lock at the same instant could both win;
      // starting two servers in the same millisecond after a crash is not worth a protocol.
      rmSync(file, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    heldHere.add(file);
    const releaseOnExit = () => rmSync(file, { force: true });
    process.once('exit', releaseOnExit);
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        process.off('exit', releaseOnExit);
        heldHere.delete(file);
        if (holderPid(file) === process.pid) rmSync(file, { force: true });
      },
    };
  }
}
