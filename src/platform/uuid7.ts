// Time-ordered UUIDs (version 7, RFC 9562) made in the process, as Prisma makes them for
// `@default(uuid(7))`: code that writes rows with SQL (the DM write path) names them before
// the statement, so payloads built beside it carry the id, and message lists stay ordered.
import { randomFillSync } from 'node:crypto';

const bytes = new Uint8Array(16);

export function uuid7(now = Date.now()): string {
  randomFillSync(bytes, 6, 10);
  // 48-bit big-endian Unix time in milliseconds
  let ms = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (bytes[6] & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8] & 0x3f); // variant 10
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
