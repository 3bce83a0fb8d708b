// In-process UUIDv7: version and variant bits, and ids of the same millisecond counting up (a
// reply named right after its message sorts after it).
import { describe, expect, it } from 'vitest';
import { uuid7 } from '../../src/platform/uuid7.ts';

describe('uuid7', () => {
  it('carries the time, version 7 and the RFC variant', () => {
    const id = uuid7(Date.UTC(2026, 2, 2));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(Date.UTC(2026, 2, 2));
  });

  it('counts up within a millisecond, and never goes back', () => {
    const at = Date.now() + 60_000;
    const ids = [...Array.from({ length: 1000 }, () => uuid7(at)), uuid7(at - 5000), uuid7()];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
