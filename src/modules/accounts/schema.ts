// GraphQL surface of organizations, members and business accounts. Thin: scopes decide who
// may call, the service decides what happens.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../platform/builder.ts';
import { everyone } from '../../platform/nodes.ts';
import { refuse } from '../../platform/errors.ts';
import { allRoles, managerRoles } from '../../platform/access.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { platformRoles } from '../../platform/auth.ts';
import { MemberRole, WhoCanMessage } from '../../generated/prisma/enums.ts';
import type { Context } from '../../platform/context.ts';
import { withinReach } from './rules.ts';
import { announcePublicPageChange } from '../business-page/public-cache.ts';
import * as accounts from './service.ts';

export const MemberRoleEnum = builder.enumType(MemberRole, {
  name: 'MemberRole',
  description: 'OWNER and ADMIN manage; AGENT handles messages and leads; ANALYST only reads.',
  values: {
    OWNER: { description: 'Exactly one per organization; manages everyone; changes hands only by `organizationTransferOwnership`.' },
    ADMIN: { description: 'Manages the accounts, their pages and forms, and agents and analysts; exports leads.' },
    AGENT: { description: 'Works on messages, leads and live sessions: replies, assigns, changes lead status, adds notes, runs lives.' },
    ANALYST: { description: 'Reads the inbox, leads and performance; sends, changes and exports nothing.' },
  },
});
export const WhoCanMessageEnum = builder.enumType(WhoCanMessage, {
  name: 'WhoCanMessage',
  description: 'Who may start a direct-message conversation with a business account.',
  values: {
    EVERYONE: { description: 'Any user; new conversations land in the inbox.' },
    FOLLOWERS: { description: 'Followers land in the inbox; other users’ conversations land in message requests (REQUEST).' },
    NO_ONE: { description: 'New conversations and message requests are refused (MESSAGING_NOT_ALLOWED); accepted conversations continue.' },
  },
});
const platformRoleValues: Record<Uppercase<(typeof platformRoles)[number]>, { description: string }> = {
  REVIEWER: { description: 'Decides the platform review queue (lead forms, auto-messages, chat-link prefills).' },
  ADMIN: { description: 'Sets what the platform owns: follower counts, owner age, violations, users’ region and risk flag.' },
  ADS: { description: 'The ad system: reports messaging-ad clicks and spend.' },
};
export const PlatformRoleEnum = builder.enumType('PlatformRole', { description: 'A role the identity provider grants on the whole platform (from the bearer token’s `roles` claim).', values: platformRoleValues });

export const UserRef = builder.prismaNode('User', {
  description: 'A person on the platform (viewer, customer, team member, reviewer). Any signed-in caller may read a user’s handle.',
  id: { field: 'id' },
  // integrations see the contacts of the conversations and leads they may read
  authScopes: { $any: { authenticated: true, integration: ['messages:read', 'leads:read'] } },
  // by id, only yourself: teams meet users through their conversations, leads and members
  loadableBy: (user, ctx) => user.id === ctx.viewer?.userId,
  fields: (t) => ({
    handle: t.exposeString('handle', { description: 'The user’s public platform handle.' }),
  }),
});

const organizationMembers = (org: { id: string }) => ({ organization: { id: org.id, roles: allRoles } });
export const OrganizationRef = builder.prismaNode('Organization', {
  description: 'A business (seller) that owns business accounts and has a team. Visible to its members only.',
  id: { field: 'id' },
  authScopes: organizationMembers,
  loadableBy: organizationMembers,
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The organization’s name, 1–80 characters.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the organization was created.' }),
    viewerMembership: t.field({
      type: MemberRef,
      nullable: true,
      description: 'Your own membership.',
      resolve: async (org, _args, ctx) => {
        const membership = await ctx.access.membership(org.id);
        return membership ? ctx.db.membership.findUnique({ where: { id: membership.id } }) : null;
      },
    }),
    members: t.relatedConnection('members', { cursor: 'id', description: 'The team, oldest membership first. Any member may list it.', query: { orderBy: { createdAt: 'asc' } } }),
    accounts: t.relatedConnection('accounts', {
      cursor: 'id',
      description: 'The business accounts you may work on (all of them unless your membership is restricted).',
      query: (_args, ctx) => ({ orderBy: { createdAt: 'asc' as const }, where: visibleAccountFilter(ctx) }),
    }),
  }),
});

/** Restricted members see only the accounts they were given. */
function visibleAccountFilter(ctx: { viewer: { userId: string } | null }) {
  if (!ctx.viewer) return { id: { in: [] } };
  return {
    OR: [
      { organization: { members: { some: { userId: ctx.viewer.userId, restricted: false } } } },
      { memberAccess: { some: { membership: { userId: ctx.viewer.userId } } } },
    ],
  };
}

export const MemberRef = builder.prismaNode('Membership', {
  name: 'Member',
  description: 'A user’s membership of an organization, with their role. Visible to the organization’s members.',
  id: { field: 'id' },
  authScopes: (member) => organizationMembers({ id: member.organizationId }),
  loadableBy: (member) => organizationMembers({ id: member.organizationId }),
  fields: (t) => ({
    role: t.expose('role', { type: MemberRoleEnum, description: 'What the member may do in the organization.' }),
    user: t.relation('user', { description: 'The member.' }),
    organization: t.relation('organization', { description: 'The organization this membership belongs to.' }),
    accounts: t.field({
      type: [BusinessAccountRef],
      nullable: true,
      description: 'The accounts this member is limited to; null when they work on every account.',
      // in creation order, as Organization.accounts lists them
      select: { restricted: true, accounts: { select: { account: true }, orderBy: [{ account: { createdAt: 'asc' } }, { accountId: 'asc' }] } },
      resolve: (member) => (member.restricted ? member.accounts.map((a) => a.account) : null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the member joined.' }),
  }),
});

const teamAndStaff = (account: { id: string }) => ({
  $any: { account: { id: account.id, roles: allRoles }, platformAdmin: true, reviewer: true },
});
const teamOnly = (account: { id: string }) => ({ account: { id: account.id, roles: allRoles } });

export const BusinessAccountRef = builder.prismaNode('BusinessAccount', {
  description: 'A public business handle owned by an organization. Anyone may read its profile; fields that say so are for its team (or platform staff) only.',
  id: { field: 'id' },
  // a business account is a public handle; its private fields carry their own scopes
  loadableBy: everyone,
  fields: (t) => ({
    handle: t.exposeString('handle', { description: 'Unique public handle: 2–24 characters of a–z, 0–9, dot and underscore.' }),
    displayName: t.exposeString('displayName', { description: 'Name shown on the profile, at most 80 characters.' }),
    region: t.exposeString('region', { description: 'ISO 3166-1 alpha-2 country code.' }),
    category: t.exposeString('category', { description: 'Business category, at most 64 characters.' }),
    timeZone: t.exposeString('timeZone', { description: 'IANA time zone (e.g. Europe/Paris) in which the account’s hours are given.' }),
    whoCanMessage: t.expose('whoCanMessage', { type: WhoCanMessageEnum, description: 'Who may start a direct-message conversation with the account.' }),
    followerCount: t.exposeInt('followerCount', { description: 'Followers on the platform, set by platform admins; going live needs at least 1,000.' }),
    ownerAge: t.exposeInt('ownerAge', { nullable: true, authScopes: teamAndStaff, description: 'Set by the platform. Team and platform staff only.' }),
    seriousViolations: t.exposeInt('seriousViolations', { authScopes: teamAndStaff, description: 'Set by the platform. Team and platform staff only.' }),
    recentSeriousViolations: t.exposeInt('recentSeriousViolations', { authScopes: teamAndStaff, description: 'Serious violations in the last 30 days (campaign requirements). Set by the platform. Team and platform staff only.' }),
    shopScore: t.exposeFloat('shopScore', { nullable: true, authScopes: teamAndStaff, description: 'Shop score, 0–5; null when not rated. Set by the platform. Team and platform staff only.' }),
    livestreamLevel: t.exposeInt('livestreamLevel', { nullable: true, authScopes: teamAndStaff, description: 'Livestream level, 0–10; null when not rated. Set by the platform. Team and platform staff only.' }),
    // team only: the Organization type itself is visible to its members alone
    organization: t.relation('organization', { authScopes: teamOnly, description: 'The organization that owns the account. Its team only.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the account was created.' }),
  }),
});

const ViewerRef = builder.objectRef<{ userId: string; handle: string; roles: string[] }>('Viewer');
ViewerRef.implement({
  description: 'The signed-in user.',
  fields: (t) => ({
    user: t.prismaField({ type: 'User', description: 'Your user object.', resolve: (query, viewer, _args, ctx) => ctx.db.user.findUniqueOrThrow({ ...query, where: { id: viewer.userId } }) }),
    handle: t.exposeString('handle', { description: 'Your platform handle, from your token.' }),
    roles: t.field({ type: [PlatformRoleEnum], description: 'Your platform roles (empty for most users).', resolve: (viewer) => viewer.roles.map((r) => r.toUpperCase() as 'REVIEWER' | 'ADMIN' | 'ADS') }),
    memberships: t.prismaField({
      type: ['Membership'],
      description: 'Your memberships, one per organization.',
      resolve: (query, viewer, _args, ctx) => ctx.db.membership.findMany({ ...query, where: { userId: viewer.userId }, orderBy: { createdAt: 'asc' } }),
    }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: ViewerRef,
    description: 'You, the signed-in caller: your user, platform roles and memberships. Needs a token.',
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ({ userId: ctx.viewer!.userId, handle: ctx.viewer!.handle, roles: [...ctx.viewer!.roles] }),
  }),
  businessAccount: t.prismaField({
    type: 'BusinessAccount',
    nullable: true,
    description: 'A business account by its public handle.',
    args: { handle: t.arg.string({ required: true, description: 'The account’s handle, without the @.' }) },
    resolve: (query, _root, args, ctx) => ctx.db.businessAccount.findUnique({ ...query, where: { handle: args.handle } }),
  }),
}));

// ───────────── mutations ─────────────

const OrganizationCreateInput = builder.inputType('OrganizationCreateInput', {
  description: 'A new organization.',
  fields: (t) => ({ name: t.string({ required: true, description: 'The organization’s name, 1–80 characters.' }) }),
});
const OrganizationUpdateInput = builder.inputType('OrganizationUpdateInput', {
  description: 'Changes to an organization; omitted fields stay.',
  fields: (t) => ({ name: t.string({ description: 'The new name, 1–80 characters (cannot be null).' }) }),
});
const OrganizationPayload = payloadType<{ organization: { id: string } }>('OrganizationPayload', (t) => ({
  organization: t.prismaField({ type: 'Organization', nullable: true, description: 'The organization created or changed.', resolve: (q, p, _a, ctx) => (p.organization ? ctx.db.organization.findUnique({ ...q, where: { id: p.organization.id } }) : null) }),
}));

const MemberAddInput = builder.inputType('MemberAddInput', {
  description: 'A user to add to the team.',
  fields: (t) => ({
    handle: t.string({ required: true, description: 'The user’s platform handle; they must have signed in once.' }),
    role: t.field({ type: MemberRoleEnum, required: true, description: 'ADMIN, AGENT or ANALYST (OWNER only by transfer). Admins may add agents and analysts only.' }),
    accountIds: t.globalIDList({ for: [BusinessAccountRef], description: 'Limit the member to these accounts; omit or null for every account.' }),
  }),
});
const MemberUpdateInput = builder.inputType('MemberUpdateInput', {
  description: 'Changes to a member; omitted fields stay.',
  fields: (t) => ({
    role: t.field({ type: MemberRoleEnum, description: 'The new role: ADMIN, AGENT or ANALYST (OWNER only by transfer; the owner’s role changes only by transfer).' }),
    accountIds: t.globalIDList({ for: [BusinessAccountRef], description: 'null lifts any restriction; omit to keep it.' }),
  }),
});
const MemberPayload = payloadType<{ member: { id: string } }>('MemberPayload', (t) => ({
  member: t.prismaField({ type: 'Membership', nullable: true, description: 'The member added or changed.', resolve: (q, p, _a, ctx) => (p.member ? ctx.db.membership.findUnique({ ...q, where: { id: p.member.id } }) : null) }),
}));
const MemberRemovePayload = payloadType<{ removedMemberId: string; organizationId: string }>('MemberRemovePayload', (t) => ({
  removedMemberId: t.id({ nullable: true, description: 'Global id of the removed member.', resolve: (p) => (p.removedMemberId ? encodeGlobalID('Member', p.removedMemberId) : null) }),
  organization: t.prismaField({
    type: 'Organization',
    nullable: true,
    description: 'The organization the member left; null when you removed yourself (you no longer see it).',
    resolve: async (q, p, _a, ctx) => {
      if (!p.organizationId || !ctx.viewer) return null;
      // read afresh: the per-operation membership cache may predate the removal
      const stillMember = await ctx.db.membership.findUnique({ where: { organizationId_userId: { organizationId: p.organizationId, userId: ctx.viewer.userId } }, select: { id: true } });
      return stillMember ? ctx.db.organization.findUnique({ ...q, where: { id: p.organizationId } }) : null;
    },
  }),
}));
const OwnershipTransferPayload = payloadType<{ organization: { id: string }; owner: { id: string } }>('OrganizationTransferOwnershipPayload', (t) => ({
  organization: t.prismaField({ type: 'Organization', nullable: true, description: 'The organization, now under its new owner.', resolve: (q, p, _a, ctx) => (p.organization ? ctx.db.organization.findUnique({ ...q, where: { id: p.organization.id } }) : null) }),
  owner: t.prismaField({ type: 'Membership', nullable: true, description: 'The new owner’s membership.', resolve: (q, p, _a, ctx) => (p.owner ? ctx.db.membership.findUnique({ ...q, where: { id: p.owner.id } }) : null) }),
}));

const AccountFields = {
  displayName: 'Shown on the profile, at most 80 characters.',
  region: 'ISO 3166-1 alpha-2 country code, e.g. FR.',
  category: 'Business category, at most 64 characters.',
  timeZone: 'IANA time zone (reply hours are in it); defaults to UTC.',
};
const BusinessAccountCreateInput = builder.inputType('BusinessAccountCreateInput', {
  description: 'A new business account (its business page is created with it, switched off).',
  fields: (t) => ({
    handle: t.string({ required: true, description: '2–24 characters of a–z, 0–9, dot and underscore; unique.' }),
    displayName: t.string({ required: true, description: AccountFields.displayName }),
    region: t.string({ required: true, description: AccountFields.region }),
    category: t.string({ required: true, description: AccountFields.category }),
    timeZone: t.string({ description: AccountFields.timeZone }),
    whoCanMessage: t.field({ type: WhoCanMessageEnum, description: 'Who may start a DM conversation; defaults to EVERYONE.' }),
  }),
});
const BusinessAccountUpdateInput = builder.inputType('BusinessAccountUpdateInput', {
  description: 'Changes to a business account; omitted or null fields stay.',
  fields: (t) => ({
    handle: t.string({ description: '2–24 characters of a–z, 0–9, dot and underscore; unique.' }),
    displayName: t.string({ description: AccountFields.displayName }),
    region: t.string({ description: AccountFields.region }),
    category: t.string({ description: AccountFields.category }),
    timeZone: t.string({ description: AccountFields.timeZone }),
    whoCanMessage: t.field({ type: WhoCanMessageEnum, description: 'Who may start a DM conversation.' }),
  }),
});
const BusinessAccountPlatformInput = builder.inputType('BusinessAccountPlatformInput', {
  description: 'Attributes only the platform sets.',
  fields: (t) => ({
    followerCount: t.int({ description: 'Followers on the platform, 0 or more.' }),
    ownerAge: t.int({ description: 'Age of the account’s owner in years, 0–150; null when unknown.' }),
    seriousViolations: t.int({ description: 'Count of serious violations on record, 0 or more (any blocks going live).' }),
    recentSeriousViolations: t.int({ description: 'Serious violations in the last 30 days (campaign requirements).' }),
    shopScore: t.float({ description: 'Shop score, 0–5 (null when not rated).' }),
    livestreamLevel: t.int({ description: 'Livestream level, 0–10 (null when not rated).' }),
  }),
});
export const BusinessAccountPayload = payloadType<{ account: { id: string } }>('BusinessAccountPayload', (t) => ({
  account: t.prismaField({ type: 'BusinessAccount', nullable: true, description: 'The account created or changed.', resolve: (q, p, _a, ctx) => (p.account ? ctx.db.businessAccount.findUnique({ ...q, where: { id: p.account.id } }) : null) }),
}));

/** Drops keys whose value is null or undefined: for inputs where null means "leave as is". */
function defined<T extends object>(input: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as never;
}

/**
 * Managers of the organization. A manager restricted to some accounts qualifies only when every
 * member acted on and every grant stays within those accounts (`null` = every account).
 */
async function managerScope(ctx: Context, organizationId: string, reaches: (string[] | null)[]) {
  const membership = await ctx.access.membership(organizationId);
  const own = membership?.restricted ? membership.accountIds : null;
  if (!reaches.every((reach) => withinReach(own, reach))) return false;
  return { organization: { id: organizationId, roles: managerRoles } };
}

/** The member a mutation targets, with the accounts it works on; null when it does not exist. */
async function targetMember(id: string, ctx: Context) {
  const member = await ctx.db.membership.findUnique({ where: { id }, select: { organizationId: true, userId: true, restricted: true, accounts: { select: { accountId: true } } } });
  return member && { ...member, reach: member.restricted ? member.accounts.map((a) => a.accountId) : null };
}

builder.mutationFields((t) => ({
  organizationCreate: t.field({
    type: OrganizationPayload,
    description: 'Creates an organization; you become its owner.',
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: OrganizationCreateInput, required: true, description: 'The new organization.' }) },
    resolve: (_root, { input }, ctx) => attempt(async () => ({ organization: await accounts.createOrganization(ctx.db, ctx.viewer!, input) })),
  }),
  organizationUpdate: t.field({
    type: OrganizationPayload,
    description: 'Renames an organization. Owners and admins who work on the whole organization (not limited to some accounts).',
    authScopes: (_root, args) => ({ organizationWide: { id: args.id.id, roles: managerRoles } }),
    args: { id: t.arg.globalID({ required: true, for: OrganizationRef, description: 'The organization.' }), input: t.arg({ type: OrganizationUpdateInput, required: true, description: 'The changes.' }) },
    resolve: (_root, { id, input }, ctx) => attempt(async () => ({ organization: await accounts.updateOrganization(ctx.db, id.id, input) })),
  }),
  organizationTransferOwnership: t.field({
    type: OwnershipTransferPayload,
    description: 'The owner hands the organization to another member and becomes an admin. Owner only.',
    authScopes: (_root, args) => ({ organization: { id: args.organizationId.id, roles: ['OWNER'] } }),
    args: { organizationId: t.arg.globalID({ required: true, for: OrganizationRef, description: 'The organization you own.' }), memberId: t.arg.globalID({ required: true, for: MemberRef, description: 'The member who becomes owner (any current member but you).' }) },
    resolve: (_root, args, ctx) => attempt(() => accounts.transferOwnership(ctx.db, ctx.viewer!, args.organizationId.id, args.memberId.id)),
  }),
  memberAdd: t.field({
    type: MemberPayload,
    description: 'Adds a user (by handle) to the team. Owners add any role but OWNER; admins add agents and analysts. A manager limited to some accounts can only grant those accounts.',
    authScopes: (_root, args, ctx) => managerScope(ctx, args.organizationId.id, [args.input.accountIds?.map((a) => a.id) ?? null]),
    args: { organizationId: t.arg.globalID({ required: true, for: OrganizationRef, description: 'The organization to join.' }), input: t.arg({ type: MemberAddInput, required: true, description: 'Who, with which role and accounts.' }) },
    resolve: (_root, { organizationId, input }, ctx) =>
      attempt(async () => ({
        member: await accounts.addMember(ctx.db, ctx.viewer!, organizationId.id, { ...input, accountIds: input.accountIds?.map((a) => a.id) }),
      })),
  }),
  memberUpdate: t.field({
    type: MemberPayload,
    description: 'Changes a member’s role or accounts. Owners change anyone but themselves as owner; admins change agents and analysts only, within their own accounts.',
    authScopes: async (_root, args, ctx) => {
      const member = await targetMember(args.id.id, ctx);
      if (!member) return false;
      const grant = args.input.accountIds === undefined ? [] : [args.input.accountIds?.map((a) => a.id) ?? null];
      return managerScope(ctx, member.organizationId, [member.reach, ...grant]);
    },
    args: { id: t.arg.globalID({ required: true, for: MemberRef, description: 'The member.' }), input: t.arg({ type: MemberUpdateInput, required: true, description: 'The changes.' }) },
    resolve: (_root, { id, input }, ctx) =>
      attempt(async () => ({
        member: await accounts.updateMember(ctx.db, ctx.viewer!, id.id, {
          role: input.role,
          accountIds: input.accountIds === undefined ? undefined : (input.accountIds?.map((a) => a.id) ?? null),
        }),
      })),
  }),
  memberRemove: t.field({
    type: MemberRemovePayload,
    description: 'Removes a member (owners: anyone; admins: agents and analysts), or yourself (leaving). The owner cannot be removed.',
    authScopes: async (_root, args, ctx) => {
      const member = await targetMember(args.id.id, ctx);
      if (!member) return false;
      return member.userId === ctx.viewer?.userId ? { authenticated: true } : managerScope(ctx, member.organizationId, [member.reach]);
    },
    args: { id: t.arg.globalID({ required: true, for: MemberRef, description: 'The member to remove.' }) },
    resolve: (_root, { id }, ctx) =>
      attempt(async () => {
        const removed = await accounts.removeMember(ctx.db, ctx.viewer!, id.id);
        return { removedMemberId: removed.id, organizationId: removed.organizationId };
      }),
  }),
  businessAccountCreate: t.field({
    type: BusinessAccountPayload,
    description: 'Creates a business account (handle unique across the platform). Owners and admins who work on the whole organization.',
    authScopes: (_root, args) => ({ organizationWide: { id: args.organizationId.id, roles: managerRoles } }),
    args: { organizationId: t.arg.globalID({ required: true, for: OrganizationRef, description: 'The organization that will own it.' }), input: t.arg({ type: BusinessAccountCreateInput, required: true, description: 'The account.' }) },
    resolve: (_root, { organizationId, input }, ctx) =>
      attempt(async () => {
        const account = await accounts.createAccount(ctx.db, organizationId.id, { handle: input.handle, displayName: input.displayName, region: input.region, category: input.category, ...defined({ timeZone: input.timeZone, whoCanMessage: input.whoCanMessage }) });
        // the handle may have been cached as having no page
        announcePublicPageChange(ctx, { handles: [account.handle] });
        return { account };
      }),
  }),
  businessAccountUpdate: t.field({
    type: BusinessAccountPayload,
    description: 'Changes an account’s handle, name, region, category, time zone or DM setting. Owners and admins who work on the account.',
    authScopes: (_root, args) => ({ account: { id: args.id.id, roles: managerRoles } }),
    args: { id: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account.' }), input: t.arg({ type: BusinessAccountUpdateInput, required: true, description: 'The changes.' }) },
    resolve: (_root, { id, input }, ctx) =>
      attempt(async () => {
        const account = await accounts.updateAccount(ctx.db, id.id, defined(input));
        // the public page shows the handle and display name; a new handle may have been cached as having no page
        announcePublicPageChange(ctx, { accountIds: [account.id], handles: [account.handle] });
        return { account };
      }),
  }),
  businessAccountPlatformUpdate: t.field({
    type: BusinessAccountPayload,
    description: 'Platform admins set follower count, owner age, violation record, shop score and livestream level.',
    authScopes: { platformAdmin: true },
    args: { id: t.arg.globalID({ required: true, for: BusinessAccountRef, description: 'The account.' }), input: t.arg({ type: BusinessAccountPlatformInput, required: true, description: 'The attributes to set; omitted ones stay.' }) },
    resolve: (_root, { id, input }, ctx) =>
      attempt(async () => {
        const exists = await ctx.db.businessAccount.findUnique({ where: { id: id.id }, select: { id: true } });
        if (!exists) refuse('NOT_FOUND', ['id'], 'No business account has this id.');
        const { ownerAge, shopScore, livestreamLevel, ...rest } = input;
        // these three may be cleared with null; the others ignore null
        const nullable = Object.fromEntries(Object.entries({ ownerAge, shopScore, livestreamLevel }).filter(([, v]) => v !== undefined));
        return { account: await accounts.updatePlatformAttributes(ctx.db, id.id, { ...defined(rest), ...nullable }) };
      }),
  }),
}));
