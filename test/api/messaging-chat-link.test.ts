// Chat links through the API: https://tiktok.me/<handle> with its QR code (SVG and PNG, the
// PNG decoded to prove it encodes the link), and the prefilled message, which is used only
// once a platform reviewer approves it (an edit goes back to review while the approved one
// keeps serving; null removes it).
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { chatLinkUrl } from '../../src/modules/messaging/chat-link.ts';
import { TEST_SECRET, type TestApp } from '../support/app.ts';
import { expectTopLevelError, expectUserErrors, localId } from '../support/fixtures.ts';
import { expectReadRefused, reviewer } from '../support/lead-forms.ts';
import { dmTeam, startWithDmTeam, sendDm, USER_ERRORS, type DmTeam } from '../support/messaging.ts';

let t: TestApp;
let team: DmTeam;
beforeAll(async () => ({ t, team } = await startWithDmTeam()));
afterAll(() => t?.close());

const CHAT_LINK = /* GraphQL */ `
  query ($id: ID!) {
    node(id: $id) {
      ... on BusinessAccount {
        chatLink {
          url
          prefill
          pendingPrefill
          prefillState
          qrSvg
          qrPng
        }
      }
    }
  }
`;
const SET_PREFILL = /* GraphQL */ `
  mutation ($accountId: ID!, $prefill: String) {
    chatLinkSetPrefill(accountId: $accountId, prefill: $prefill) { account { handle chatLink { url prefill pendingPrefill prefillState } } ${USER_ERRORS} }
  }`;
// jsqr is CommonJS whose module.exports is the function and also carries it as `default`
const jsQR = jsqr.default;

const QUEUE = /* GraphQL */ `
  query {
    reviewQueue(kind: CHAT_LINK_PREFILL, first: 50) {
      edges {
        node {
          id
          kind
          snapshot
          account {
            handle
          }
          subject {
            __typename
            ... on BusinessAccount {
              id
              handle
            }
          }
        }
      }
    }
  }
`;

async function chatLink(accountId: string, api = team.owner) {
  return (await api.request(CHAT_LINK, { id: accountId })).node.chatLink;
}

async function setPrefill(prefill: string | null, accountId = team.shop, api = team.as('admin')) {
  return (await api.request(SET_PREFILL, { accountId, prefill })).chatLinkSetPrefill;
}

/** The chat link's row and review items: what a refused change must leave alone. */
const storedChatLinks = async () => ({
  links: await t.db.chatLink.findMany({ orderBy: { accountId: 'asc' } }),
  reviews: await t.db.reviewItem.findMany({ where: { kind: 'CHAT_LINK_PREFILL' }, orderBy: { id: 'asc' } }),
});
async function expectNoChatLinkChange<T>(operation: () => Promise<T>): Promise<T> {
  const before = await storedChatLinks();
  const result = await operation();
  expect(await storedChatLinks()).toEqual(before);
  return result;
}

/** The pending review item of the account's prefill, as the reviewer's queue shows it. */
async function pendingItem(accountId: string) {
  const queue = await reviewer(t).request(QUEUE);
  return queue.reviewQueue.edges.map((e: { node: any }) => e.node).find((n: { subject: { id: string } }) => n.subject.id === accountId);
}

/** Decodes the QR code of a PNG data URL. */
function decodeQrPng(dataUrl: string): string | undefined {
  const match = /^data:image\/png;base64,(.+)$/.exec(dataUrl);
  expect(match).not.toBeNull();
  const bytes = Buffer.from(match![1], 'base64');
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const png = PNG.sync.read(bytes);
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

function expectSvgQr(svg: string) {
  expect(svg.trimStart()).toMatch(/^(<\?xml[^>]*>\s*)?<svg[\s>]/);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
  expect(svg).toMatch(/<path[^>]+d="M/);
}

describe('the chat link', () => {
  it('is https://tiktok.me/<handle> with its QR code as SVG and PNG', async () => {
    const link = await chatLink(team.other);
    expect(link).toMatchObject({ url: `https://tiktok.me/${team.otherHandle}`, prefill: null, pendingPrefill: null, prefillState: 'NONE' });
    expectSvgQr(link.qrSvg);
    expect(decodeQrPng(link.qrPng)).toBe(link.url);
  });

  it('is read by the whole team (analysts too) and nobody else', async () => {
    expect((await chatLink(team.other, team.as('analyst'))).url).toBe(`https://tiktok.me/${team.otherHandle}`);
    expect((await chatLink(team.other, team.as('limited'))).url).toBe(`https://tiktok.me/${team.otherHandle}`);
    const outsiders = await dmTeam(t, 'link_out');
    for (const api of [team.as('limited'), outsiders.owner, t.as('link.viewer')]) expectReadRefused(await api.raw(CHAT_LINK, { id: team.shop }), 'FORBIDDEN');
  });

  it('builds on the configured base', () => {
    const config = loadConfig({ NODE_ENV: 'test', AUTH_SECRET: TEST_SECRET, CHAT_LINK_BASE: 'https://chat.example.com/' });
    expect(config.chatLinkBase).toBe('https://chat.example.com');
    expect(chatLinkUrl(config.chatLinkBase, 'la.boulangerie', 'Bonjour & merci ?')).toBe(
      'https://chat.example.com/la.boulangerie?text=Bonjour%20%26%20merci%20%3F',
    );
    expect(loadConfig({ NODE_ENV: 'test', AUTH_SECRET: TEST_SECRET }).chatLinkBase).toBe('https://tiktok.me');
  });

  it('opens conversations with origin CHAT_LINK', async () => {
    const sent = await sendDm(t.as('link.visitor'), team.otherHandle, { kind: 'TEXT', text: 'Hi, I scanned your code' }, { viaChatLink: true });
    expect(sent.conversation.origin).toBe('CHAT_LINK');
    expect(await t.db.conversation.findUniqueOrThrow({ where: { id: localId(sent.conversation.id) } })).toMatchObject({ origin: 'CHAT_LINK' });
  });
});

describe('the prefilled message', () => {
  const base = () => `https://tiktok.me/${team.shopHandle}`;

  it('waits for review, then is carried by the link and its QR code once approved', async () => {
    const text = 'Bonjour ! Je voudrais commander 🥐 & ☕';
    const requested = await setPrefill(text);
    expect(requested).toEqual({
      account: { handle: team.shopHandle, chatLink: { url: base(), prefill: null, pendingPrefill: text, prefillState: 'REVIEWING' } },
      userErrors: [],
    });
    expect(await t.db.chatLink.findUniqueOrThrow({ where: { accountId: localId(team.shop) } })).toMatchObject({
      prefill: text,
      prefillState: 'REVIEWING',
      approvedPrefill: null,
    });
    const item = await pendingItem(team.shop);
    expect(item).toMatchObject({
      kind: 'CHAT_LINK_PREFILL',
      snapshot: { prefill: text },
      account: { handle: team.shopHandle },
      subject: { __typename: 'BusinessAccount', handle: team.shopHandle },
    });
    expect(decodeQrPng((await chatLink(team.shop)).qrPng)).toBe(base());

    const approved = await reviewer(t).request(`mutation ($id: ID!) { reviewApprove(id: $id) { ${USER_ERRORS} } }`, { id: item.id });
    expect(approved.reviewApprove.userErrors).toEqual([]);
    const link = await chatLink(team.shop);
    const url = `${base()}?text=${encodeURIComponent(text)}`;
    expect(link).toMatchObject({ url, prefill: text, pendingPrefill: null, prefillState: 'APPROVED' });
    expect(decodeQrPng(link.qrPng)).toBe(url);
    expectSvgQr(link.qrSvg);
  });

  it('keeps serving the approved message while an edit is reviewed, and after the edit is rejected', async () => {
    const approved = (await chatLink(team.shop)).url;
    expect(approved).toContain('?text=');
    const edit = await setPrefill('A new greeting');
    expect(edit.account.chatLink).toMatchObject({ url: approved, pendingPrefill: 'A new greeting', prefillState: 'REVIEWING' });
    const item = await pendingItem(team.shop);
    expect(item.snapshot).toEqual({ prefill: 'A new greeting' });

    const reasons = [{ area: 'CONTENT', message: 'Do not promise delivery times.' }];
    const rejected = await reviewer(t).request(
      `mutation ($id: ID!, $reasons: [ReviewReasonInput!]!) { reviewReject(id: $id, reasons: $reasons) { ${USER_ERRORS} } }`,
      { id: item.id, reasons },
    );
    expect(rejected.reviewReject.userErrors).toEqual([]);
    expect(await chatLink(team.shop)).toMatchObject({ url: approved, pendingPrefill: 'A new greeting', prefillState: 'REJECTED' });
    expect(await pendingItem(team.shop)).toBeUndefined();
  });

  it('replaces a pending request with a newer one: only the latest is reviewed', async () => {
    await setPrefill('First try');
    const first = await pendingItem(team.shop);
    await setPrefill('Second try');
    const second = await pendingItem(team.shop);
    expect(second.id).not.toBe(first.id);
    expect(second.snapshot).toEqual({ prefill: 'Second try' });
    expect(await t.db.reviewItem.findFirstOrThrow({ where: { id: localId(first.id) } })).toMatchObject({ state: 'WITHDRAWN' });
  });

  it('is removed at once with null, withdrawing a pending review', async () => {
    const removed = await setPrefill(null);
    expect(removed.account.chatLink).toEqual({ url: base(), prefill: null, pendingPrefill: null, prefillState: 'NONE' });
    expect(await pendingItem(team.shop)).toBeUndefined();
    expect(await t.db.chatLink.findUniqueOrThrow({ where: { accountId: localId(team.shop) } })).toMatchObject({
      prefill: null,
      approvedPrefill: null,
      prefillState: 'NONE',
    });
    expect(decodeQrPng((await chatLink(team.shop)).qrPng)).toBe(base());
  });

  it('accepts up to 200 characters and refuses longer or blank messages, changing nothing', async () => {
    const longest = '👋'.repeat(200);
    expect((await setPrefill(longest, team.other)).account.chatLink).toMatchObject({ pendingPrefill: longest, prefillState: 'REVIEWING' });
    for (const [prefill, code] of [
      ['👋'.repeat(201), 'TOO_LONG'],
      ['x'.repeat(201), 'TOO_LONG'],
      ['   ', 'REQUIRED'],
      ['', 'REQUIRED'],
    ] as const) {
      const refused = await expectNoChatLinkChange(() => setPrefill(prefill, team.other));
      expectUserErrors(refused, [code, ['prefill']]);
      expect(refused.account).toBeNull();
    }
  });

  it('is set by owners and admins only', async () => {
    for (const who of ['agent', 'analyst', 'limited']) {
      const refused = await expectNoChatLinkChange(() => team.as(who).raw(SET_PREFILL, { accountId: team.other, prefill: 'Hello' }));
      expectTopLevelError(refused, 'FORBIDDEN');
    }
    expectTopLevelError(await expectNoChatLinkChange(() => t.as('link.viewer').raw(SET_PREFILL, { accountId: team.other, prefill: 'Hello' })), 'FORBIDDEN');
    expect((await setPrefill('From the owner', team.other, team.owner)).userErrors).toEqual([]);
  });
});
