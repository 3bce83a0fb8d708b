// The CSV download of leads: who may ask for it, the 90-day window, the signed link, and
// the file's content (columns, order, range and filter, escaping, formula neutralisation).
import { parse } from 'csv-parse/sync';
import { SignJWT } from 'jose';
import { adClickedBy } from '../support/ads.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET, startApp, type TestApp } from '../support/app.ts';
import { expectTopLevelError, expectUserErrors, localId, signIn } from '../support/fixtures.ts';
import { eligible, setPlatform, startLive } from '../support/live.ts';
import { MemberAddDocument, MemberRemoveDocument, MemberUpdateDocument } from '../generated/graphql.ts';
import { answers, approvedLeadForm, LEAD_UPDATE, LEADS_EXPORT, leadTeam, postWithForm, submitLead, userGlobalId, type LeadTeam } from '../support/leads.ts';

const DAY = 86_400_000;
const HEADER = ['Submitted at', 'Source', 'Form', 'Status', 'Assignee', 'How can we help you?', 'Name', 'Phone number', 'Email', 'Country / city', 'Video ID', 'Live session ID', 'Lead ID'];

let t: TestApp;
let team: LeadTeam;
let formId: string;
let emailFormId: string;
let now: Date;

beforeAll(async () => {
  t = await startApp({ now: '2026-06-15T12:00:00.000Z' });
  now = t.clock.now();
  team = await leadTeam(t);
  formId = await approvedLeadForm(t, 'owner', team.shopA, { name: '=Quote, "big" orders' });
  emailFormId = await approvedLeadForm(t, 'owner', team.shopA, { name: 'Newsletter', questions: ['EMAIL'] });
  await signIn(t, 'viewer');
}, 120_000);
afterAll(() => t?.close());

const exportLink = async (handle: string, input?: object, accountId = team.shopA) => {
  const { leadsExport } = await t.as(handle).request(LEADS_EXPORT, { accountId, input });
  expect(leadsExport.userErrors).toEqual([]);
  return leadsExport.url as string;
};

/** Downloads a link and parses the CSV after checking its byte-order mark. */
async function download(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM (response.text() would strip it)
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3));
  const [header, ...rows] = parse(text) as string[][];
  expect(header).toEqual(HEADER);
  return { response, text, rows, byColumn: rows.map((row) => Object.fromEntries(HEADER.map((name, i) => [name, row[i]]))) };
}

describe('leadsExport', () => {
  it.each(['owner', 'admin'])('gives the %s a link valid for 10 minutes over the last 90 days by default', async (handle) => {
    const { leadsExport } = await t.as(handle).request(LEADS_EXPORT, { accountId: team.shopA });
    expect(leadsExport).toEqual({
      url: expect.stringMatching(new RegExp(`^${new URL(t.url).origin}/exports/leads\\.csv\\?token=[\\w.%-]+$`)),
      expiresAt: new Date(now.getTime() + 10 * 60_000).toISOString(),
      from: new Date(now.getTime() - 90 * DAY).toISOString(),
      to: null,
      userErrors: [],
    });
  });

  it.each([
    ['an agent', 'agent', [], 'FORBIDDEN'],
    ['an analyst', 'analyst', [], 'FORBIDDEN'],
    ['another organization’s owner', 'outsider', [], 'FORBIDDEN'],
    ['a viewer who sent leads', 'viewer', [], 'FORBIDDEN'],
    ['a platform reviewer', 'lead.reviewer', ['reviewer'], 'FORBIDDEN'],
  ] as const)('refuses %s', async (_name, handle, roles, code) => {
    expectTopLevelError(await t.as(handle, [...roles]).raw(LEADS_EXPORT, { accountId: team.shopA }), code);
  });

  it('refuses an admin restricted to other accounts, and requests without a token', async () => {
    await signIn(t, 'r.admin');
    await t.as('owner').request(MemberAddDocument, { organizationId: team.organizationId, input: { handle: 'r.admin', role: 'ADMIN', accountIds: [team.shopB] } });
    expect(await exportLink('r.admin', undefined, team.shopB)).toContain('/exports/leads.csv');
    expectTopLevelError(await t.as('r.admin').raw(LEADS_EXPORT, { accountId: team.shopA }), 'FORBIDDEN');
    expectTopLevelError(await t.anonymous().raw(LEADS_EXPORT, { accountId: team.shopA }), 'UNAUTHENTICATED');
  });

  it.each<[string, () => object, [string, string[]]]>([
    ['from a millisecond before the 90-day window', () => ({ from: new Date(now.getTime() - 90 * DAY - 1).toISOString() }), ['EXPORT_RANGE_TOO_LONG', ['from']]],
    ['from a year ago, to yesterday', () => ({ from: new Date(now.getTime() - 365 * DAY).toISOString(), to: new Date(now.getTime() - DAY).toISOString() }), ['EXPORT_RANGE_TOO_LONG', ['from']]],
    ['to equal to from', () => ({ from: new Date(now.getTime() - DAY).toISOString(), to: new Date(now.getTime() - DAY).toISOString() }), ['INVALID', ['to']]],
    ['to before from', () => ({ from: new Date(now.getTime() - DAY).toISOString(), to: new Date(now.getTime() - 2 * DAY).toISOString() }), ['INVALID', ['to']]],
    ['to before the default from', () => ({ to: new Date(now.getTime() - 100 * DAY).toISOString() }), ['INVALID', ['to']]],
  ])('refuses %s, giving no link', async (_name, input, expected) => {
    const { leadsExport } = await t.as('owner').request(LEADS_EXPORT, { accountId: team.shopA, input: input() });
    expectUserErrors(leadsExport, expected);
    expect(leadsExport.url).toBeNull();
  });

  it('accepts a range starting exactly 90 days ago', async () => {
    const from = new Date(now.getTime() - 90 * DAY).toISOString();
    const { leadsExport } = await t.as('owner').request(LEADS_EXPORT, { accountId: team.shopA, input: { from, to: now.toISOString() } });
    expect(leadsExport).toMatchObject({ from, to: now.toISOString(), userErrors: [] });
  });
});

describe('the CSV', () => {
  /** leads submitted at `now - daysAgo`, newest first in the file */
  const L: Record<string, string> = {};
  let postId: string;
  /** the raw id of a running live session of shop.a */
  let liveSession: string;

  beforeAll(async () => {
    postId = await postWithForm(t, 'owner', team.shopA, formId);
    await setPlatform(t, team.shopA, eligible);
    liveSession = localId(await startLive(t.as('owner'), team.shopA));
    const at = async (name: string, daysAgo: number, form: string, input: object) => {
      t.clock.set(new Date(now.getTime() - daysAgo * DAY));
      L[name] = (await submitLead(t.as('viewer'), form, input)).id;
    };
    await at('too old', 90.001, formId, {});
    await at('oldest', 89.9, formId, {
      answers: answers(undefined, { ENQUIRY: 'Hello, "world"\nsecond line', NAME: '=SUM(A1:A9)', COUNTRY_CITY: '中国 / 上海，浦东' }),
    });
    await at('video', 30, formId, { source: 'SHORT_VIDEO', postId, answers: answers(undefined, { ENQUIRY: '-2+3', NAME: '@admin', COUNTRY_CITY: 'Zürich 🇨🇭' }) });
    await at('live', 10, emailFormId, { source: 'LIVE', liveSessionId: liveSession, answers: answers(['EMAIL'], { EMAIL: 'live@example.com' }) });
    await at('recent', 1, formId, { answers: answers(undefined, { ENQUIRY: "  it's fine; really\r\nthanks" }) });
    t.clock.set(now);
    await t.as('owner').request(LEAD_UPDATE, { id: L.video, input: { status: 'QUALIFIED', assigneeId: await userGlobalId(t, 'agent') } });
    await t.as('owner').request(LEAD_UPDATE, { id: L.oldest, input: { status: 'CONTACTED' } });
    // another account's lead never appears
    const other = await approvedLeadForm(t, 'owner', team.shopB, { questions: ['NAME'] });
    await submitLead(t.as('viewer'), other, { answers: answers(['NAME']) });
  }, 120_000);

  const ids = (rows: Record<string, string>[]) => rows.map((row) => Object.keys(L).find((name) => localId(L[name]) === row['Lead ID']) ?? row['Lead ID']);

  it('starts with a BOM and a header, then one row per lead of the last 90 days, newest first', async () => {
    const { response, rows, byColumn } = await download(await exportLink('admin'));
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="leads-shop.a-${now.toISOString().slice(0, 10)}.csv"`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(ids(byColumn)).toEqual(['recent', 'live', 'video', 'oldest']);
    expect(rows.every((row) => row.length === HEADER.length)).toBe(true);
    expect(byColumn[1]).toEqual({
      'Submitted at': new Date(now.getTime() - 10 * DAY).toISOString(),
      Source: 'LIVE',
      Form: 'Newsletter',
      Status: 'NEW',
      Assignee: '',
      'How can we help you?': '',
      Name: '',
      'Phone number': '',
      Email: 'live@example.com',
      'Country / city': '',
      'Video ID': '',
      'Live session ID': liveSession,
      'Lead ID': localId(L.live),
    });
    expect(byColumn[2]).toMatchObject({ Source: 'SHORT_VIDEO', Status: 'QUALIFIED', Assignee: 'agent', 'Video ID': localId(postId), 'Live session ID': '' });
  });

  it('neutralises cells a spreadsheet would execute and escapes commas, quotes, newlines and CJK', async () => {
    const { text, byColumn } = await download(await exportLink('owner'));
    const oldest = byColumn[3];
    expect(oldest).toMatchObject({
      Form: `'=Quote, "big" orders`,
      Status: 'CONTACTED',
      'How can we help you?': 'Hello, "world"\nsecond line',
      Name: "'=SUM(A1:A9)",
      'Phone number': "'+33123456789",
      'Country / city': '中国 / 上海，浦东',
    });
    expect(byColumn[2]).toMatchObject({ 'How can we help you?': "'-2+3", Name: "'@admin", 'Country / city': 'Zürich 🇨🇭' });
    expect(byColumn[0]['How can we help you?']).toBe("it's fine; really\r\nthanks");
    // the raw text: quoted where needed, quotes doubled, UTF-8 kept as is
    expect(text).toContain(`"'=Quote, ""big"" orders"`);
    expect(text).toContain(`"Hello, ""world""\nsecond line"`);
    expect(text).toContain(',中国 / 上海，浦东,');
    expect(text).toContain(`,"it's fine; really\r\nthanks",`);
  });

  it.each<[string, () => object, string[]]>([
    ['from and to', () => ({ from: new Date(now.getTime() - 31 * DAY).toISOString(), to: new Date(now.getTime() - DAY).toISOString() }), ['live', 'video']],
    ['sources', () => ({ filter: { sources: ['PROFILE', 'LIVE'] } }), ['recent', 'live', 'oldest']],
    ['statuses', () => ({ filter: { statuses: ['QUALIFIED', 'CONTACTED'] } }), ['video', 'oldest']],
    ['completed', () => ({ filter: { completed: false } }), ['recent', 'live']],
    ['completed: true', () => ({ filter: { completed: true } }), ['video', 'oldest']],
    ['statuses and completed together', () => ({ filter: { statuses: ['NEW', 'QUALIFIED'], completed: true } }), ['video']],
    ['form', () => ({ filter: { formId: emailFormId } }), ['live']],
    ['the filter’s own time range, within the window', () => ({ filter: { submittedAfter: new Date(now.getTime() - 20 * DAY).toISOString() } }), ['recent', 'live']],
    [
      'the filter’s time range and from/to together',
      () => ({ from: new Date(now.getTime() - 50 * DAY).toISOString(), filter: { submittedAfter: new Date(now.getTime() - 95 * DAY).toISOString(), submittedBefore: new Date(now.getTime() - 5 * DAY).toISOString() } }),
      ['live', 'video'],
    ],
  ])('keeps only the leads in range and filter: %s', async (_name, input, expected) => {
    const { byColumn } = await download(await exportLink('owner', input()));
    expect(ids(byColumn)).toEqual(expected);
  });

  it('keeps only the leads in range and filter: assignee', async () => {
    const { byColumn } = await download(await exportLink('owner', { filter: { assigneeId: await userGlobalId(t, 'agent') } }));
    expect(ids(byColumn)).toEqual(['video']);
  });

  it('with no end, includes leads submitted after the link was made', async () => {
    const url = await exportLink('owner', { filter: { sources: ['AD'] } });
    expect((await download(url)).rows).toEqual([]);
    const lead = await submitLead(t.as('viewer'), formId, { source: 'AD', adId: await adClickedBy(t, team.shopA, 'viewer') });
    expect(ids((await download(url)).byColumn)).toEqual([localId(lead.id)]);
  });
});

describe('the download link', () => {
  const expectRefusedDownload = async (url: string, status: number) => {
    const response = await fetch(url);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).not.toContain('Lead ID');
  };
  const withToken = (url: string, token: string) => `${url.split('?')[0]}?token=${encodeURIComponent(token)}`;
  const claimsOf = (url: string) => JSON.parse(Buffer.from(new URL(url).searchParams.get('token')!.split('.')[1], 'base64url').toString());
  const sign = (claims: object, secret = TEST_SECRET) =>
    new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(Math.floor(Date.now() / 1000) + 600).sign(new TextEncoder().encode(secret));

  it('refuses a missing, garbage or truncated token with 401', async () => {
    const url = await exportLink('owner');
    await expectRefusedDownload(url.split('?')[0], 401);
    await expectRefusedDownload(withToken(url, 'garbage'), 401);
    await expectRefusedDownload(url.slice(0, -3), 401);
  });

  it('refuses a token whose claims were tampered with (another account, a wider range)', async () => {
    const url = await exportLink('outsider', undefined, team.otherShop);
    const [header, , signature] = new URL(url).searchParams.get('token')!.split('.');
    for (const change of [{ accountId: localId(team.shopA) }, { from: new Date(now.getTime() - 400 * DAY).toISOString() }]) {
      const payload = Buffer.from(JSON.stringify({ ...claimsOf(url), ...change })).toString('base64url');
      await expectRefusedDownload(withToken(url, `${header}.${payload}.${signature}`), 401);
    }
  });

  it('refuses an expired link, a link signed with another key and a sign-in token', async () => {
    const url = await exportLink('owner');
    const claims = claimsOf(url);
    expect(claims.exp - claims.iat).toBe(600);
    const expired = await new SignJWT({ ...claims, iat: undefined, exp: undefined })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(claims.iat - 3600)
      .setExpirationTime(claims.iat - 1)
      .sign(new TextEncoder().encode(TEST_SECRET));
    await expectRefusedDownload(withToken(url, expired), 401);
    // the same claims, freshly signed with the right key, are accepted: the test above is about expiry alone
    const fresh = await sign({ ...claims, iat: undefined, exp: undefined });
    expect((await fetch(withToken(url, fresh))).status).toBe(200);
    await expectRefusedDownload(withToken(url, await sign({ ...claims, iat: undefined, exp: undefined }, 'another-secret-another-secret-0123456789')), 401);
    await expectRefusedDownload(withToken(url, await t.token('owner')), 401);
    await expectRefusedDownload(withToken(url, await sign({ ...claims, purpose: 'something-else', iat: undefined, exp: undefined })), 401);
  });

  it('answers 405 to anything but GET', async () => {
    const url = await exportLink('owner');
    const response = await fetch(url, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  it('refuses with 403 a holder who is no longer owner or admin when downloading', async () => {
    await signIn(t, 'admin2', 'admin3');
    const add = async (handle: string) =>
      (await t.as('owner').request(MemberAddDocument, { organizationId: team.organizationId, input: { handle, role: 'ADMIN' } })).memberAdd.member!.id;
    const downgraded = await add('admin2');
    const removed = await add('admin3');
    const downgradedUrl = await exportLink('admin2');
    const removedUrl = await exportLink('admin3');
    expect((await fetch(downgradedUrl)).status).toBe(200);
    const update = await t.as('owner').request(MemberUpdateDocument, { id: downgraded, input: { role: 'ANALYST' } });
    expect(update.memberUpdate.userErrors).toEqual([]);
    await expectRefusedDownload(downgradedUrl, 403);
    const removal = await t.as('owner').request(MemberRemoveDocument, { id: removed });
    expect(removal.memberRemove.userErrors).toEqual([]);
    await expectRefusedDownload(removedUrl, 403);
  });
});
