// Admission control: past MUTATION_CONCURRENCY mutations in flight, a mutation waits at most
// MUTATION_QUEUE_MS for a slot, then is refused with OVERLOADED having changed nothing;
// queries are never held back, and slots come back after every mutation, failed ones included.
import { afterEach, describe, expect, it } from 'vitest';
import { onPostgres, type TestApp } from '../support/app.ts';
import { MESSAGE_SEND, startWithDmTeam } from '../support/messaging.ts';

let t: TestApp | undefined;
afterEach(() => t?.close());

const messageCount = (app: TestApp) => app.db.message.count({ where: { direction: 'INBOUND' } });

async function burst(app: TestApp, shopHandle: string, prefix: string, n: number) {
  // the viewers exist first, so that the mutations, not the sign-ins, arrive together
  await Promise.all(Array.from({ length: n }, (_, i) => app.as(`${prefix}${i}`).raw(`{ viewer { handle } }`)));
  return Promise.all(
    Array.from({ length: n }, (_, i) => app.as(`${prefix}${i}`).raw(MESSAGE_SEND, { handle: shopHandle, input: { kind: 'TEXT', text: `Hello ${i}` } })),
  );
}

describe('mutation admission', () => {
  // on the embedded PGlite one transaction runs at a time and each request's sign-in waits for
  // it, so mutations never overlap there: the refusal can only be provoked on PostgreSQL
  it.runIf(onPostgres)('refuses mutations past capacity with OVERLOADED and stores nothing for them; the rest land', async () => {
    const started = await startWithDmTeam({ env: { MUTATION_CONCURRENCY: '1', MUTATION_QUEUE_MS: '0' } });
    t = started.t;
    const before = await messageCount(t);
    const results = await burst(t, started.team.shopHandle, 'adm.a', 20);
    const refused = results.filter((r) => r.errors?.some((e) => e.extensions?.code === 'OVERLOADED'));
    const landed = results.filter((r) => r.data?.businessMessageSend?.message?.id);
    expect(refused.length + landed.length).toBe(20);
    expect(refused.length).toBeGreaterThan(0);
    expect(landed.length).toBeGreaterThan(0);
    for (const r of refused) expect(r.data?.businessMessageSend ?? null).toBeNull();
    expect(await messageCount(t)).toBe(before + landed.length);
    // queries are not limited, and the slot is free again once the burst is over
    expect((await t.as('adm.a0').raw(`{ viewer { handle } }`)).data).toEqual({ viewer: { handle: 'adm.a0' } });
    const after = await t.as('adm.a0').raw(MESSAGE_SEND, { handle: started.team.shopHandle, input: { kind: 'TEXT', text: 'Again' } });
    expect(after.errors).toBeUndefined();
    expect(after.data.businessMessageSend.userErrors).toEqual([]);
  });

  it('lets mutations wait in line for a slot within MUTATION_QUEUE_MS', async () => {
    const started = await startWithDmTeam({ env: { MUTATION_CONCURRENCY: '1', MUTATION_QUEUE_MS: '30000' } });
    t = started.t;
    const before = await messageCount(t);
    const results = await burst(t, started.team.shopHandle, 'adm.b', 8);
    expect(results.map((r) => r.errors ?? null)).toEqual(Array(8).fill(null));
    expect(await messageCount(t)).toBe(before + 8);
  });

  it('rejects impossible limits at start-up, naming the variable', async () => {
    const { loadConfig } = await import('../../src/config.ts');
    expect(() => loadConfig({ MUTATION_CONCURRENCY: '0' })).toThrow(/MUTATION_CONCURRENCY/);
    expect(() => loadConfig({ MUTATION_QUEUE_MS: 'soon' })).toThrow(/MUTATION_QUEUE_MS/);
  });
});
