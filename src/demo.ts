// The demo organization `npm start` seeds on an empty database (and `npm run seed` on
// demand): a team with every role, two business accounts with complete pages, and a token
// for each person so a newcomer can try the API in GraphiQL at once.
import { deflateSync } from 'node:zlib';
import type { MemberRole } from './generated/prisma/enums.ts';
import type { AppServices } from './platform/context.ts';
import { inOneTransaction } from './platform/db.ts';
import * as accounts from './modules/accounts/service.ts';
import * as pages from './modules/business-page/service.ts';
import * as leadForms from './modules/leads/forms.ts';
import * as leads from './modules/leads/service.ts';
import * as reviews from './modules/reviews/service.ts';
import * as automation from './modules/automation/service.ts';
import * as live from './modules/live/service.ts';

interface DemoPerson {
  handle: string;
  role?: MemberRole;
  platformRoles?: string[];
}

const people: DemoPerson[] = [
  { handle: 'demo.owner', role: 'OWNER' },
  { handle: 'demo.admin', role: 'ADMIN' },
  { handle: 'demo.agent', role: 'AGENT' },
  { handle: 'demo.analyst', role: 'ANALYST' },
  { handle: 'demo.viewer' },
  { handle: 'demo.reviewer', platformRoles: ['reviewer'] },
  { handle: 'demo.platform', platformRoles: ['admin'] },
];

export interface SeededDemo {
  organizationId: string;
  accounts: { id: string; handle: string }[];
  tokens: { handle: string; role: string; token: string }[];
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A small solid-colour PNG, so the demo gallery needs no binary files in the repository. */
export function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([r, g, b]))]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

const palette: [number, number, number][] = [
  [233, 69, 96], [37, 244, 238], [254, 198, 53], [120, 86, 255], [46, 204, 113], [52, 73, 94],
];

/** Seeds the demo in one transaction: a failure, or a process killed half-way, leaves the database as it was. */
export async function seedDemo(services: AppServices, options: { onlyIfEmpty: boolean }): Promise<SeededDemo | null> {
  return inOneTransaction(services.db, (db) => seedInto({ ...services, db }, options));
}

async function seedInto(services: AppServices, options: { onlyIfEmpty: boolean }): Promise<SeededDemo | null> {
  const { db } = services;
  if (options.onlyIfEmpty && (await db.organization.count()) > 0) return null;
  const existing = await db.businessAccount.findUnique({ where: { handle: 'acme.store' }, select: { organizationId: true } });
  if (existing) await db.organization.delete({ where: { id: existing.organizationId } });

  const users = new Map<string, string>();
  for (const person of people) {
    const user = await db.user.upsert({ where: { subject: `demo|${person.handle}` }, create: { subject: `demo|${person.handle}`, handle: person.handle }, update: {} });
    users.set(person.handle, user.id);
  }
  const owner = { userId: users.get('demo.owner')! };
  const organization = await accounts.createOrganization(db, owner, { name: 'Acme Live Commerce' });
  const store = await accounts.createAccount(db, organization.id, { handle: 'acme.store', displayName: 'Acme Store', region: 'FR', category: 'Retail', timeZone: 'Europe/Paris' });
  const us = await accounts.createAccount(db, organization.id, { handle: 'acme.us', displayName: 'Acme US', region: 'US', category: 'Retail', timeZone: 'America/New_York', whoCanMessage: 'FOLLOWERS' });
  for (const person of people) {
    if (!person.role || person.role === 'OWNER') continue;
    await accounts.addMember(db, owner, organization.id, { handle: person.handle, role: person.role });
  }
  await accounts.updatePlatformAttributes(db, store.id, { followerCount: 25_400, ownerAge: 34, seriousViolations: 0 });
  await accounts.updatePlatformAttributes(db, us.id, { followerCount: 820, ownerAge: 34, seriousViolations: 0 });

  for (const [index, account] of [store, us].entries()) {
    await pages.updateBusinessInfo(db, services.clock, account.id, {
      companyName: 'Acme Live Commerce SAS',
      establishedOn: '2016-03-14',
      region: account.region,
      website: 'https://acme.example.com',
      email: 'hello@acme.example.com',
      phone: index === 0 ? '+33 1 23 45 67 89' : '+1 212 555 0100',
      address: index === 0 ? '12 rue de la Paix, 75002 Paris' : '350 5th Ave, New York, NY 10118',
      iosAppUrl: 'https://apps.apple.com/app/id1234567890',
      androidAppUrl: 'https://play.google.com/store/apps/details?id=com.acme.live',
      category: 'Retail',
    });
    await pages.addPhotos(db, services.media, account.id, palette.map((colour) => ({ bytes: solidPng(96, 96, colour) })));
    await pages.setPageEnabled(db, account.id, true);
  }

  // a reviewed lead form on the profile and a video, with a few leads to manage
  const form = await leadForms.createLeadForm(db, store.id, {
    name: 'Live seller recruitment',
    introduction: 'Tell us about your shop and we will call you back within a day.',
    questions: ['ENQUIRY', 'NAME', 'PHONE', 'EMAIL'],
    privacyPolicyUrl: 'https://acme.example.com/privacy',
    callToAction: 'SIGN_UP',
  });
  await leadForms.submitLeadForm(db, services.clock, form.id, owner.userId);
  const [item] = await db.reviewItem.findMany({ where: { subjectId: form.id, state: 'PENDING' } });
  await reviews.decide(services, users.get('demo.reviewer')!, item.id, { approve: true });
  const video = await leadForms.createPost(db, store.id, { caption: 'How we run our live shopping nights', commercialMusic: false });
  await leadForms.attachLeadFormToPost(db, video.id, form.id);
  const samples = [
    { name: 'Mei Lin', email: 'mei@example.com', phone: '+852 5123 4567', enquiry: '我想了解价格', source: 'SHORT_VIDEO' as const },
    { name: 'Jonas Weber', email: 'jonas@example.de', phone: '+49 30 1234567', enquiry: 'Do you work with small shops?', source: 'PROFILE' as const },
    { name: 'Ana Souza', email: 'ana@example.com.br', phone: '+55 11 91234 5678', enquiry: 'Interested in a trial', source: 'PROFILE' as const },
  ];
  for (const [index, sample] of samples.entries()) {
    await leads.submitLead(services, users.get('demo.viewer')!, {
      formId: form.id,
      source: sample.source,
      postId: sample.source === 'SHORT_VIDEO' ? video.id : null,
      idempotencyKey: `demo-${index}`,
      answers: [
        { question: 'ENQUIRY', answer: sample.enquiry },
        { question: 'NAME', answer: sample.name },
        { question: 'PHONE', answer: sample.phone },
        { question: 'EMAIL', answer: sample.email },
      ],
    });
  }

  // approved auto-replies, switched on, and a live session ready to start
  const approve = async (subjectId: string) => {
    const [pending] = await db.reviewItem.findMany({ where: { subjectId, state: 'PENDING' } });
    if (pending) await reviews.decide(services, users.get('demo.reviewer')!, pending.id, { approve: true });
  };
  const welcome = await automation.setWelcome(services, owner.userId, store.id, 'Hi! Thanks for writing to Acme. We answer within a few hours. Ask about prices, shipping or our live shows.');
  await approve(welcome.id);
  const faq = [
    { question: 'When is the next live show?', answer: 'Every Thursday at 8 pm Paris time, right here on @acme.store.' },
    { question: 'Do you ship abroad?', answer: 'Yes, to the EU, the UK and the US. Shipping is free from 50 €.' },
  ];
  for (const entry of faq) await approve((await automation.createAutoMessage(services, owner.userId, store.id, 'SUGGESTED_QUESTION', entry)).id);
  const keywordRules = [
    { keywords: ['price', 'prices', '价格'], matchMode: 'CONTAINS' as const, reply: 'Our price list is at https://acme.example.com/prices. Live-show prices are 20% off.' },
    { keywords: ['shipping', '运费'], matchMode: 'CONTAINS' as const, reply: 'Shipping is free from 50 € to the EU, the UK and the US.' },
  ];
  for (const rule of keywordRules) await approve((await automation.createAutoMessage(services, owner.userId, store.id, 'KEYWORD_REPLY', rule)).id);
  await automation.updateSettings(db, store.id, { welcomeEnabled: true, suggestedQuestionsEnabled: true, keywordRepliesEnabled: true });
  await live.scheduleSession(services, store.id, { title: 'Thursday live show', scheduledFor: new Date(services.clock.now().getTime() + 7 * 86_400_000), sellsProducts: true });

  const tokens = await Promise.all(
    people.map(async (person) => ({
      handle: person.handle,
      role: person.role ?? (person.platformRoles?.length ? `platform ${person.platformRoles.join(', ')}` : 'viewer'),
      token: await services.auth.mint({ sub: `demo|${person.handle}`, handle: person.handle, roles: person.platformRoles }, '30d'),
    })),
  );
  return { organizationId: organization.id, accounts: [store, us].map((a) => ({ id: a.id, handle: a.handle })), tokens };
}

/** On stderr: stdout is the structured log stream, which log shippers parse line by line. */
export function printDemoTokens(demo: SeededDemo, url: string): void {
  const lines = [
    '',
    'Demo data seeded: organization "Acme Live Commerce", accounts @acme.store and @acme.us.',
    `Open ${url} and add a header {"Authorization": "Bearer <token>"} with one of these tokens (valid 30 days):`,
    '',
    ...demo.tokens.map((t) => `  ${t.handle.padEnd(14)} ${t.role.padEnd(22)} ${t.token}`),
    '',
    'Mint more with: npm run token -- --handle <handle> [--role reviewer|admin]',
    '',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}
