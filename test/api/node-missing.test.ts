// node(id:) on an id that names nothing answers null, for every node type.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { startApp, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startApp();
});
afterAll(() => t?.close());

const missing = '019aa000-0000-7000-8000-000000000000';
const types = ['Organization', 'Member', 'BusinessAccount', 'GalleryPhoto', 'LeadForm', 'Post', 'Lead', 'LeadNote', 'ReviewItem', 'Notification', 'Conversation', 'Message', 'AutoMessage', 'LiveSession', 'LiveEntry', 'User', 'Campaign', 'CampaignRegistration', 'CampaignRegisteredSession'];

it.each(types)('node(id:) of a missing %s is null, without errors', async (type) => {
  const response = await t.as('someone').raw(`query ($id: ID!) { node(id: $id) { id } }`, { id: encodeGlobalID(type, missing) });
  expect(response.errors).toBeUndefined();
  expect(response.data).toEqual({ node: null });
});
