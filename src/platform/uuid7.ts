// Time-ordered UUIDs (version 7, RFC 9562) made in the process, as Prisma makes them for
// `@default(uuid(7))`: code that writes rows with SQL (the DM write path) names them before
// the statement, so payloads built beside it carry the id, and message lists stay ordered.
// Ids made in the same millisecond count up (RFC 9562 §6.2, method 2: the 74 random bits as a
// counter), so a reply named after its message sorts after it.
import { randomFillSync } from 'node:crypto';

const bytes = new Uint8Array(16);
const RANDOM_BITS = 74n;
let last = { ms: -1, counter: 0n };

/** random bytes drawn from the system in blocks (one call per id made a syscall per message) */
const pool = Buffer.alloc(10 * 256);
let pooled = 0;

function randomCounter(): bigint {
  if (pooled === 0) {
    randomFillSync(pool);
    pooled = pool.length;
  }
  pooled -= 10;
  const hex = pool.toString('hex', pooled, pooled + 10);
  // 80 random bits, the top one cleared: room to count up
  return BigInt(`0x${hex}`) & ((1n << (RANDOM_BITS - 1n)) - 1n);
}

export function uuid7(now = Date.now()): string {
  let { ms, counter } = last;
  if (now > ms) [ms, counter] = [now, randomCounter()];
  else if (++counter >= 1n << RANDOM_BITS) [ms, counter] = [ms + 1, randomCounter()];
  last = { ms, counter };
  // 48-bit big-endian Unix time in milliseconds
  let time = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  // version 7 + 12 bits of the counter, variant 10 + its other 62 bits
  const randA = Number(counter >> 62n);
  let randB = counter & ((1n << 62n) - 1n);
  bytes[6] = 0x70 | (randA >> 8);
  bytes[7] = randA & 0xff;
  for (let i = 15; i >= 8; i--) {
    bytes[i] = Number(randB & 0xffn);
    randB >>= 8n;
  }
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
