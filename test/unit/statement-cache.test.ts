// Which statements get a prepared name (platform/statement-cache.ts).
import { describe, expect, it } from 'vitest';
import { statementCache } from '../../src/platform/statement-cache.ts';

describe('statementCache', () => {
  it('names a text from its second use on, the same name every time', () => {
    const cache = statementCache(10);
    expect(cache.nameOf({ sql: 'SELECT 1' })).toBeUndefined();
    const name = cache.nameOf({ sql: 'SELECT 1' });
    expect(name).toMatch(/^ls_[\w-]{27}$/);
    expect(cache.nameOf({ sql: 'SELECT 1' })).toBe(name);
    // another text, another name
    cache.nameOf({ sql: 'SELECT 2' });
    expect(cache.nameOf({ sql: 'SELECT 2' })).not.toBe(name);
    expect(cache.named).toBe(2);
  });

  it('names at most `size` texts; the others run unnamed', () => {
    const cache = statementCache(2);
    for (const sql of ['a', 'b', 'c']) [1, 2].forEach(() => cache.nameOf({ sql }));
    expect([cache.nameOf({ sql: 'a' }), cache.nameOf({ sql: 'b' })].every(Boolean)).toBe(true);
    expect(cache.nameOf({ sql: 'c' })).toBeUndefined();
    expect(cache.named).toBe(2);
  });

  it('agrees across caches (every instance and connection uses the same name for a text)', () => {
    const [one, two] = [statementCache(5), statementCache(5)];
    for (const cache of [one, two]) cache.nameOf({ sql: 'SELECT $1' });
    expect(one.nameOf({ sql: 'SELECT $1' })).toBe(two.nameOf({ sql: 'SELECT $1' }));
  });

  it('forgets one-off texts rather than growing with them', () => {
    const cache = statementCache(2);
    for (let i = 0; i < 1000; i++) cache.nameOf({ sql: `SELECT ${i}` });
    expect(cache.named).toBe(0);
  });
});
