// Prepared-statement caching for PostgreSQL. Without a name, every query is parsed and planned
// again by the server (the DM's statement and the inbox page spend about half of their database
// time there). @prisma/adapter-pg passes a name from `statementNameGenerator` to pg, which then
// parses a statement once per connection and afterwards sends only Bind/Execute; the server
// keeps its plan (generic after five custom plans, when that is no worse).
//
// A text is named once it has been seen twice (one-off statements stay unnamed), and at most
// `size` texts are ever named, so each connection holds at most `size` prepared statements.
// Names are hashes of the text: pg refuses one name for two texts, and every connection must
// agree on the name of a text.
import { createHash } from 'node:crypto';

export interface StatementCache {
  /** the name to prepare `sql` under, or undefined to run it unnamed */
  nameOf(query: { sql: string }): string | undefined;
  /** texts named so far */
  readonly named: number;
}

export function statementCache(size: number): StatementCache {
  const names = new Map<string, string>();
  // texts seen once; cleared when it grows large, so a stream of one-off texts stays bounded
  const seenOnce = new Set<string>();
  return {
    nameOf({ sql }) {
      const name = names.get(sql);
      if (name !== undefined || names.size >= size) return name;
      if (!seenOnce.has(sql)) {
        if (seenOnce.size >= 4 * size) seenOnce.clear();
        seenOnce.add(sql);
        return undefined;
      }
      seenOnce.delete(sql);
      const named = `ls_${createHash('sha256').update(sql).digest('base64url').slice(0, 27)}`;
      names.set(sql, named);
      return named;
    },
    get named() {
      return names.size;
    },
  };
}
