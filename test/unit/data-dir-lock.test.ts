import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir, lockFileName } from '../../src/platform/data-dir-lock.ts';

describe('the data directory lock', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'livesuite-lock-'));
    file = path.join(dir, lockFileName);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('holds this pid until released', () => {
    const lock = lockDataDir(dir);
    expect(readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    lock.release();
    expect(existsSync(file)).toBe(false);
    lockDataDir(dir).release();
  });

  it('refuses while another live process holds it, naming that process and DATA_DIR', () => {
    const holder = 1; // init: always running
    writeFileSync(file, `${holder}\n`);
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${holder}`);
    expect(() => lockDataDir(dir)).toThrow(/set DATA_DIR to another directory/);
    expect(readFileSync(file, 'utf8')).toBe(`${holder}\n`);
  });

  it.each([
    ['a process that has exited', () => String(spawnSync(process.execPath, ['-e', '']).pid)],
    ['an empty file (a writer died before writing its pid)', () => ''],
  ])('takes over a stale lock left by %s', (_, content) => {
    writeFileSync(file, content());
    const lock = lockDataDir(dir);
    expect(readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });

  it('takes over a lock naming its own pid that this process does not hold (a container restarted with the same pid)', () => {
    writeFileSync(file, `${process.pid}\n`);
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${process.pid}`);
    lock.release();
  });

  it('does not remove a lock another process took after this one released', () => {
    const lock = lockDataDir(dir);
    writeFileSync(file, '1\n');
    lock.release();
    expect(readFileSync(file, 'utf8')).toBe('1\n');
  });
});
