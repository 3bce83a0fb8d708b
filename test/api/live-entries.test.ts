// Live entries: the GET_LEADS entry (one approved lead form with its switch on) or up to six
// BUSINESS entries; added hidden, previewed, shown, hidden and removed before and during the
// live. Each change is an ENTRY_CHANGED event; viewers' rooms follow what is visible.
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.ts';
import { localId } from '../support/fixtures.ts';
import { createForm } from '../support/lead-forms.ts';
import { approvedLeadForm } from '../support/leads.ts';
import {
  addEntry,
  endLive,
  expectRefused,
  liveApi,
  liveLead,
  liveSuite,
  scheduleLive,
  setGetLeads,
  setVisible,
  startLive,
  storedEvents,
  watchHost,
  watchRoom,
  type LiveTeam,
} from '../support/live.ts';

let t: TestApp;
let team: LiveTeam;
let form: string;
liveSuite(async (app, liveTeam) => {
  [t, team] = [app, liveTeam];
  form = await approvedLeadForm(app, team.handle('owner'), team.shop, { name: 'Book a tasting', questions: ['NAME', 'PHONE'] });
});

const ENTRY_PREVIEW = /* GraphQL */ `
  query ($id: ID!) {
    node(id: $id) {
      ... on LiveEntry {
        id
        type
        preview {
          id
          name
          introduction
          callToAction
          questions {
            question
            label
          }
        }
      }
    }
  }
`;

describe('BUSINESS entries', () => {
  it('are added hidden, then shown, hidden and removed; the host sees every change, viewers what is visible', async () => {
    const id = await startLive(team.owner, team.shop);
    const host = watchHost(team.owner, id, 1);
    const room = watchRoom(t.as('ent.viewer'), id);
    expect((await room.value()).entries).toEqual([]);

    const page = await addEntry(team.as('agent'), id, { type: 'BUSINESS', function: 'BUSINESS_PAGE' });
    const site = await addEntry(team.as('agent'), id, { type: 'BUSINESS', function: 'WEBSITE', label: ' Shop online ', target: 'https://shop.example.com' });
    const phone = await addEntry(team.as('agent'), id, { type: 'BUSINESS', function: 'PHONE', target: '+33 1 23 45 67 89' });
    expect([page, site, phone]).toMatchObject([
      { type: 'BUSINESS', function: 'BUSINESS_PAGE', label: 'Our page', target: null, visible: false, position: 1, leadForm: null },
      { function: 'WEBSITE', label: 'Shop online', target: 'https://shop.example.com', visible: false, position: 2 },
      { function: 'PHONE', label: 'Call us', target: '+33 1 23 45 67 89', visible: false, position: 3 },
    ]);
    expect(await host.take(3)).toMatchObject([
      {
        seq: 2,
        type: 'ENTRY_CHANGED',
        entry: {
          entryId: page.id,
          change: 'ADDED',
          type: 'BUSINESS',
          function: 'BUSINESS_PAGE',
          label: 'Our page',
          target: null,
          formName: null,
          visible: false,
        },
      },
      { seq: 3, entry: { entryId: site.id, change: 'ADDED', label: 'Shop online' } },
      { seq: 4, entry: { entryId: phone.id, change: 'ADDED' } },
    ]);
    // hidden entries are not the viewers' business
    expect(await room.quiet(400)).toBe(true);

    expect(await setVisible(team.owner, site.id, true)).toMatchObject({ id: site.id, visible: true });
    expect(await host.value()).toMatchObject({ seq: 5, entry: { entryId: site.id, change: 'SHOWN', visible: true } });
    expect((await room.value()).entries).toEqual([
      {
        id: site.id,
        type: 'BUSINESS',
        function: 'WEBSITE',
        label: 'Shop online',
        target: 'https://shop.example.com',
        leadFormId: null,
        leadFormName: null,
        callToAction: null,
      },
    ]);
    await setVisible(team.owner, page.id, true);
    expect((await room.value()).entries.map((e) => e.id)).toEqual([page.id, site.id]); // in position order
    await setVisible(team.owner, page.id, false);
    expect((await room.value()).entries.map((e) => e.id)).toEqual([site.id]);

    const removed = await liveApi(team.as('admin')).removeEntry(site.id);
    expect(removed).toMatchObject({ entry: null, removedEntryId: site.id, userErrors: [] });
    expect((await room.value()).entries).toEqual([]);
    await liveApi(team.as('admin')).removeEntry(phone.id); // hidden: the room does not change
    expect((await host.take(4)).map((e) => [e.seq, e.entry!.change, e.entry!.entryId])).toEqual([
      [6, 'SHOWN', page.id],
      [7, 'HIDDEN', page.id],
      [8, 'REMOVED', site.id],
      [9, 'REMOVED', phone.id],
    ]);
    expect(await room.quiet(400)).toBe(true);
    expect(await t.db.liveEntry.count({ where: { id: { in: [site.id, phone.id].map(localId) } } })).toBe(0);
    await endLive(team.owner, id);
  });

  it('are prepared before the live: the room shows the visible ones from the start', async () => {
    const id = await scheduleLive(team.owner, team.shop);
    const entry = await addEntry(team.owner, id, { type: 'BUSINESS', function: 'APP_DOWNLOAD', target: 'https://apps.example.com/bakery' });
    await setVisible(team.owner, entry.id, true);
    await addEntry(team.owner, id, { type: 'BUSINESS', function: 'DIRECT_MESSAGE' });
    const room = watchRoom(t.as('early.viewer'), id);
    expect(await room.value()).toMatchObject({ state: 'SCHEDULED', entries: [{ id: entry.id, function: 'APP_DOWNLOAD', label: 'Get the app' }] });
    expect((await liveApi(team.owner).start(id)).userErrors).toEqual([]);
    expect(await room.value()).toMatchObject({ state: 'LIVE', entries: [{ id: entry.id }] });
    expect((await storedEvents(t, id)).map((e) => e.type)).toEqual(['ENTRY_CHANGED', 'ENTRY_CHANGED', 'ENTRY_CHANGED', 'STATS']);
    await endLive(team.owner, id);
  });

  it('refuses a missing function, a long label, a wrong target, a lead form and a seventh entry, storing nothing', async () => {
    const id = await startLive(team.owner, team.shop);
    const add = (input: Record<string, unknown>) => () => liveApi(team.owner).addEntry(id, { type: 'BUSINESS', ...input });
    await expectRefused(t, team.shop, add({}), ['REQUIRED', ['input', 'function']]);
    await expectRefused(t, team.shop, add({ function: 'BUSINESS_PAGE', label: 'x'.repeat(21) }), ['TOO_LONG', ['input', 'label']]);
    await expectRefused(t, team.shop, add({ function: 'WEBSITE' }), ['URL_INVALID', ['input', 'target']]);
    await expectRefused(t, team.shop, add({ function: 'WEBSITE', target: 'ftp://files.example.com' }), ['URL_INVALID', ['input', 'target']]);
    await expectRefused(t, team.shop, add({ function: 'APP_DOWNLOAD', target: 'not a url' }), ['URL_INVALID', ['input', 'target']]);
    await expectRefused(t, team.shop, add({ function: 'PHONE', target: 'call me' }), ['PHONE_INVALID', ['input', 'target']]);
    await expectRefused(t, team.shop, add({ function: 'BUSINESS_PAGE', target: 'https://example.com' }), ['INVALID', ['input', 'target']]);
    await expectRefused(t, team.shop, add({ function: 'DIRECT_MESSAGE', leadFormId: form }), ['INVALID', ['input', 'leadFormId']]);
    await expectRefused(
      t,
      team.shop,
      add({ function: 'PHONE', label: 'x'.repeat(21), target: '12' }),
      ['TOO_LONG', ['input', 'label']],
      ['PHONE_INVALID', ['input', 'target']],
    );
    // 20 characters (emoji count as one) are fine; six entries are the most
    for (let i = 0; i < 6; i++) await addEntry(team.owner, id, { type: 'BUSINESS', function: 'BUSINESS_PAGE', label: '🥐'.repeat(20) });
    await expectRefused(t, team.shop, add({ function: 'BUSINESS_PAGE' }), ['LIMIT_REACHED', ['input', 'type']]);
    await endLive(team.owner, id);
  });
});

describe('the GET_LEADS entry', () => {
  it('shows one approved lead form, previewed exactly as viewers will see it', async () => {
    const id = await startLive(team.owner, team.shop);
    const host = watchHost(team.owner, id, 1);
    const room = watchRoom(t.as('lead.viewer'), id);
    await room.value();
    const entry = await addEntry(team.owner, id, { type: 'GET_LEADS', leadFormId: form });
    expect(entry).toMatchObject({
      type: 'GET_LEADS',
      function: null,
      label: null,
      target: null,
      visible: false,
      leadForm: { id: form, name: 'Book a tasting' },
    });
    const { node } = await team.as('analyst').request(ENTRY_PREVIEW, { id: entry.id });
    expect(node.preview).toEqual({
      id: form,
      name: 'Book a tasting',
      introduction: 'Tell us what you need.',
      callToAction: 'CONTACT_US',
      questions: [
        { question: 'NAME', label: expect.any(String) },
        { question: 'PHONE', label: expect.any(String) },
      ],
    });
    await setVisible(team.owner, entry.id, true);
    expect((await room.value()).entries).toEqual([
      {
        id: entry.id,
        type: 'GET_LEADS',
        function: null,
        label: null,
        target: null,
        leadFormId: form,
        leadFormName: 'Book a tasting',
        callToAction: 'CONTACT_US',
      },
    ]);
    expect(await host.take(2)).toMatchObject([
      { type: 'ENTRY_CHANGED', entry: { entryId: entry.id, change: 'ADDED', type: 'GET_LEADS', formName: 'Book a tasting', visible: false } },
      { type: 'ENTRY_CHANGED', entry: { entryId: entry.id, change: 'SHOWN', formName: 'Book a tasting', visible: true } },
    ]);
    await endLive(team.owner, id);
  });

  it('refuses a missing, unapproved, switched-off or foreign form, a function, a second form and mixing with BUSINESS entries', async () => {
    const draft = await createForm(team.owner, team.shop, { name: 'Draft form' });
    const off = await approvedLeadForm(t, team.handle('owner'), team.shop, { name: 'Switched off' });
    await setGetLeads(team.owner, off, false);
    const foreign = await approvedLeadForm(t, team.handle('foreign'), team.foreignShop, { name: 'Not yours' });
    const id = await startLive(team.owner, team.shop);
    const add = (input: Record<string, unknown>) => () => liveApi(team.owner).addEntry(id, input);
    await expectRefused(t, team.shop, add({ type: 'GET_LEADS' }), ['REQUIRED', ['input', 'leadFormId']]);
    await expectRefused(
      t,
      team.shop,
      add({ type: 'GET_LEADS', leadFormId: draft }),
      ['LEAD_FORM_NOT_APPROVED', ['input', 'leadFormId']],
      ['GET_LEADS_OFF', ['input', 'leadFormId']],
    );
    await expectRefused(t, team.shop, add({ type: 'GET_LEADS', leadFormId: off }), ['GET_LEADS_OFF', ['input', 'leadFormId']]);
    await expectRefused(t, team.shop, add({ type: 'GET_LEADS', leadFormId: foreign }), ['NOT_FOUND', ['input', 'leadFormId']]);
    await expectRefused(t, team.shop, add({ type: 'GET_LEADS', leadFormId: form, function: 'WEBSITE', target: 'https://example.com' }), [
      'INVALID',
      ['input', 'function'],
    ]);

    const entry = await addEntry(team.owner, id, { type: 'GET_LEADS', leadFormId: form });
    await expectRefused(t, team.shop, add({ type: 'GET_LEADS', leadFormId: form }), ['LIMIT_REACHED', ['input', 'type']]);
    await expectRefused(t, team.shop, add({ type: 'BUSINESS', function: 'BUSINESS_PAGE' }), ['ENTRY_MODE_CONFLICT', ['input', 'type']]);
    // once removed, the live may switch to BUSINESS entries, and then not back
    await liveApi(team.owner).removeEntry(entry.id);
    await addEntry(team.owner, id, { type: 'BUSINESS', function: 'BUSINESS_PAGE' });
    await expectRefused(t, team.shop, add({ type: 'GET_LEADS', leadFormId: form }), ['ENTRY_MODE_CONFLICT', ['input', 'type']]);
    await endLive(team.owner, id);
  });

  it('cannot be shown once its form is switched off; hiding and removing still work', async () => {
    const switching = await approvedLeadForm(t, team.handle('owner'), team.shop, { name: 'Seasonal offer' });
    const id = await startLive(team.owner, team.shop);
    const entry = await addEntry(team.owner, id, { type: 'GET_LEADS', leadFormId: switching });
    await setVisible(team.owner, entry.id, true);
    await setGetLeads(team.owner, switching, false);
    await setVisible(team.owner, entry.id, false);
    await expectRefused(t, team.shop, () => liveApi(team.owner).setVisible(entry.id, true), ['GET_LEADS_OFF', ['id']]);
    expect((await liveApi(team.owner).removeEntry(entry.id)).userErrors).toEqual([]);
    await endLive(team.owner, id);
  });

  it('leaves the room when its form is switched off: the host hears why, viewers see it vanish, ended lives keep their log', async () => {
    const seasonal = await approvedLeadForm(t, team.handle('owner'), team.shop, { name: 'Winter offer' });
    // an earlier live that showed the form has ended: its log and entries are history
    const earlier = await startLive(team.owner, team.shop);
    const earlierEntry = await addEntry(team.owner, earlier, { type: 'GET_LEADS', leadFormId: seasonal });
    await setVisible(team.owner, earlierEntry.id, true);
    await endLive(team.owner, earlier);
    const earlierLog = await storedEvents(t, earlier);

    const id = await startLive(team.owner, team.shop);
    const entry = await addEntry(team.owner, id, { type: 'GET_LEADS', leadFormId: seasonal });
    await setVisible(team.owner, entry.id, true);
    const room = watchRoom(t.as('switch.viewer'), id);
    expect((await room.value()).entries.map((e) => [e.id, e.leadFormName])).toEqual([[entry.id, 'Winter offer']]);
    const host = watchHost(team.as('analyst'), id, (await storedEvents(t, id)).at(-1)!.seq);

    await setGetLeads(team.as('admin'), seasonal, false);
    expect(await host.value()).toMatchObject({
      type: 'ENTRY_CHANGED',
      entry: { entryId: entry.id, change: 'HIDDEN', reason: 'GET_LEADS_OFF', type: 'GET_LEADS', formName: 'Winter offer', visible: false },
    });
    expect((await room.value()).entries).toEqual([]);
    expect(await t.db.liveEntry.findUniqueOrThrow({ where: { id: localId(entry.id) } })).toMatchObject({ visible: false });
    expect((await liveLead(t.as('switch.viewer'), seasonal, id)).userErrors.map((e) => e.code)).toEqual(['LEAD_FORM_NOT_LIVE']);
    expect(await storedEvents(t, earlier)).toEqual(earlierLog);
    expect(await t.db.liveEntry.findUniqueOrThrow({ where: { id: localId(earlierEntry.id) } })).toMatchObject({ visible: true });

    // switching it on again does not show it by itself: the host decides
    await setGetLeads(team.as('admin'), seasonal, true);
    expect(await room.quiet(300)).toBe(true);
    await setVisible(team.owner, entry.id, true);
    expect(await host.value()).toMatchObject({ type: 'ENTRY_CHANGED', entry: { entryId: entry.id, change: 'SHOWN', reason: null } });
    expect((await room.value()).entries.map((e) => e.id)).toEqual([entry.id]);
    await endLive(team.owner, id);
  });

  it('hides a visible entry of a scheduled live too', async () => {
    const prepared = await approvedLeadForm(t, team.handle('owner'), team.shop, { name: 'Pre-order' });
    const id = await scheduleLive(team.owner, team.shop);
    const entry = await addEntry(team.owner, id, { type: 'GET_LEADS', leadFormId: prepared });
    await setVisible(team.owner, entry.id, true);
    await setGetLeads(team.owner, prepared, false);
    expect((await storedEvents(t, id)).at(-1)).toMatchObject({ type: 'ENTRY_CHANGED', payload: { entryId: localId(entry.id), change: 'HIDDEN', reason: 'GET_LEADS_OFF' } });
    expect((await liveApi(team.owner).start(id)).userErrors).toEqual([]);
    const room = watchRoom(t.as('switch.early'), id);
    expect((await room.value()).entries).toEqual([]);
    await endLive(team.owner, id);
  });
});

describe('after the end', () => {
  it('entries can no longer change', async () => {
    const id = await startLive(team.owner, team.shop);
    const entry = await addEntry(team.owner, id, { type: 'BUSINESS', function: 'BUSINESS_PAGE' });
    await endLive(team.owner, id);
    await expectRefused(t, team.shop, () => liveApi(team.owner).setVisible(entry.id, true), ['LIVE_ENDED', ['id']]);
    await expectRefused(t, team.shop, () => liveApi(team.owner).removeEntry(entry.id), ['LIVE_ENDED', ['id']]);
  });
});
