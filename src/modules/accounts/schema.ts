// GraphQL surface of organizations, members and business accounts. Thin: scopes decide who
// may call, the service decides what happens.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../platform/builder.ts';
import { refuse } from '../../platform/errors.ts';
import { allRoles, managerRoles } from '../../platform/access.ts';
import { attempt, payloadType } from '../../platform/payload.ts';
import { platformRoles } from '../../platform/auth.ts';
import { MemberRole, WhoCanMessage } from '../../generated/prisma/enums.ts';
import type { Context } from '../../platform/context.ts';
import { withinReach } from './rules.ts';
import * as accounts from './service.ts';

export const MemberRoleEnum = builder.enumType(MemberRole, {
  name: 'MemberRole',
  description: 'OWNER and ADMIN manage; AGENT handles messages and leads; ANALYST only reads.',
});
export const WhoCanMessageEnum = builder.enumType(WhoCanMessage, { name: 'WhoCanMessage' });
export const PlatformRoleEnum = builder.enumType('PlatformRole', { values: platformRoles.map((r) => r.toUpperCase()) as ['REVIEWER', 'ADMIN'] });

export const UserRef = builder.prismaNode('User', {
  id: { field: 'id' },
  authScopes: { authenticated: true },
  fields: (t) => ({
    handle: t.exposeString('handle'),
  }),
});

export const OrganizationRef = builder.prismaNode('Organization', {
  id: { field: 'id' },
  authScopes: (org) => ({ organization: { id: org.id, roles: allRoles } }),
  fields: (t) => ({
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    viewerMembership: t.field({
      type: MemberRef,
      nullable: true,
      description: 'Your own membership.',
      resolve: async (org, _args, ctx) => {
        const membership = await ctx.access.membership(org.id);
        return membership ? ctx.db.membership.findUnique({ where: { id: membership.id } }) : null;
      },
    }),
    members: t.relatedConnection('members', { cursor: 'id', query: { orderBy: { createdAt: 'asc' } } }),
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
  id: { field: 'id' },
  authScopes: (member) => ({ organization: { id: member.organizationId, roles: allRoles } }),
  fields: (t) => ({
    role: t.expose('role', { type: MemberRoleEnum }),
    user: t.relation('user'),
    organization: t.relation('organization'),
    accounts: t.field({
      type: [BusinessAccountRef],
      nullable: true,
      description: 'The accounts this member is limited to; null when they work on every account.',
      // in creation order, as Organization.accounts lists them
      select: { restricted: true, accounts: { select: { account: true }, orderBy: [{ account: { createdAt: 'asc' } }, { accountId: 'asc' }] } },
      resolve: (member) => (member.restricted ? member.accounts.map((a) => a.account) : null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const teamAndStaff = (account: { id: string }) => ({
  $any: { account: { id: account.id, roles: allRoles }, platformAdmin: true, reviewer: true },
});
const teamOnly = (account: { id: string }) => ({ account: { id: account.id, roles: allRoles } });

export const BusinessAccountRef = builder.prismaNode('BusinessAccount', {
  id: { field: 'id' },
  fields: (t) => ({
    handle: t.exposeString('handle'),
    displayName: t.exposeString('displayName'),
    region: t.exposeString('region', { description: 'ISO 3166-1 alpha-2 country code.' }),
    category: t.exposeString('category'),
    timeZone: t.exposeString('timeZone'),
    whoCanMessage: t.expose('whoCanMessage', { type: WhoCanMessageEnum }),
    followerCount: t.exposeInt('followerCount'),
    ownerAge: t.exposeInt('ownerAge', { nullable: true, authScopes: teamAndStaff, description: 'Set by the platform. Team and platform staff only.' }),
    seriousViolations: t.exposeInt('seriousViolations', { authScopes: teamAndStaff, description: 'Set by the platform. Team and platform staff only.' }),
    recentSeriousViolations: t.exposeInt('recentSeriousViolations', { authScopes: teamAndStaff, description: 'Serious violations in the last 30 days (campaign requirements). Set by the platform. Team and platform staff only.' }),
    shopScore: t.exposeFloat('shopScore', { nullable: true, authScopes: teamAndStaff, description: 'Shop score, 0–5; null when not rated. Set by the platform. Team and platform staff only.' }),
    livestreamLevel: t.exposeInt('livestreamLevel', { nullable: true, authScopes: teamAndStaff, description: 'Livestream level, 0–10; null when not rated. Set by the platform. Team and platform staff only.' }),
    // team only: the Organization type itself is visible to its members alone
    organization: t.relation('organization', { authScopes: teamOnly, description: 'The organization that owns the account. Its team only.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const ViewerRef = builder.objectRef<{ userId: string; handle: string; roles: string[] }>('Viewer');
ViewerRef.implement({
  description: 'The signed-in user.',
  fields: (t) => ({
    user: t.prismaField({ type: 'User', resolve: (query, viewer, _args, ctx) => ctx.db.user.findUniqueOrThrow({ ...query, where: { id: viewer.userId } }) }),
    handle: t.exposeString('handle'),
    roles: t.field({ type: [PlatformRoleEnum], resolve: (viewer) => viewer.roles.map((r) => r.toUpperCase() as 'REVIEWER' | 'ADMIN') }),
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
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ({ userId: ctx.viewer!.userId, handle: ctx.viewer!.handle, roles: [...ctx.viewer!.roles] }),
  }),
  businessAccount: t.prismaField({
    type: 'BusinessAccount',
    nullable: true,
    description: 'A business account by its public handle.',
    args: { handle: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.db.businessAccount.findUnique({ ...query, where: { handle: args.handle } }),
  }),
}));

// ───────────── mutations ─────────────

const OrganizationCreateInput = builder.inputType('OrganizationCreateInput', {
  fields: (t) => ({ name: t.string({ required: true }) }),
});
const OrganizationUpdateInput = builder.inputType('OrganizationUpdateInput', {
  fields: (t) => ({ name: t.string() }),
});
const OrganizationPayload = payloadType<{ organization: { id: string } }>('OrganizationPayload', (t) => ({
  organization: t.prismaField({ type: 'Organization', nullable: true, resolve: (q, p, _a, ctx) => (p.organization ? ctx.db.organization.findUnique({ ...q, where: { id: p.organization.id } }) : null) }),
}));

const MemberAddInput = builder.inputType('MemberAddInput', {
  fields: (t) => ({
    handle: t.string({ required: true, description: 'The user’s platform handle; they must have signed in once.' }),
    role: t.field({ type: MemberRoleEnum, required: true }),
    accountIds: t.globalIDList({ for: [BusinessAccountRef], description: 'Limit the member to these accounts; omit or null for every account.' }),
  }),
});
const MemberUpdateInput = builder.inputType('MemberUpdateInput', {
  fields: (t) => ({
    role: t.field({ type: MemberRoleEnum }),
    accountIds: t.globalIDList({ for: [BusinessAccountRef], description: 'null lifts any restriction; omit to keep it.' }),
  }),
});
const MemberPayload = payloadType<{ member: { id: string } }>('MemberPayload', (t) => ({
  member: t.prismaField({ type: 'Membership', nullable: true, resolve: (q, p, _a, ctx) => (p.member ? ctx.db.membership.findUnique({ ...q, where: { id: p.member.id } }) : null) }),
}));
const MemberRemovePayload = payloadType<{ removedMemberId: string; organizationId: string }>('MemberRemovePayload', (t) => ({
  removedMemberId: t.id({ nullable: true, resolve: (p) => (p.removedMemberId ? encodeGlobalID('Member', p.removedMemberId) : null) }),
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
  organization: t.prismaField({ type: 'Organization', nullable: true, resolve: (q, p, _a, ctx) => (p.organization ? ctx.db.organization.findUnique({ ...q, where: { id: p.organization.id } }) : null) }),
  owner: t.prismaField({ type: 'Membership', nullable: true, resolve: (q, p, _a, ctx) => (p.owner ? ctx.db.membership.findUnique({ ...q, where: { id: p.owner.id } }) : null) }),
}));

const AccountFields = {
  displayName: 'Shown on the profile, at most 80 characters.',
  region: 'ISO 3166-1 alpha-2 country code, e.g. FR.',
  category: 'Business category, at most 64 characters.',
  timeZone: 'IANA time zone (reply hours are in it); defaults to UTC.',
};
const BusinessAccountCreateInput = builder.inputType('BusinessAccountCreateInput', {
  fields: (t) => ({
    handle: t.string({ required: true, description: '2–24 characters of a–z, 0–9, dot and underscore; unique.' }),
    displayName: t.string({ required: true, description: AccountFields.displayName }),
    region: t.string({ required: true, description: AccountFields.region }),
    category: t.string({ required: true, description: AccountFields.category }),
    timeZone: t.string({ description: AccountFields.timeZone }),
    whoCanMessage: t.field({ type: WhoCanMessageEnum, description: 'Defaults to EVERYONE.' }),
  }),
});
const BusinessAccountUpdateInput = builder.inputType('BusinessAccountUpdateInput', {
  fields: (t) => ({
    handle: t.string(),
    displayName: t.string({ description: AccountFields.displayName }),
    region: t.string({ description: AccountFields.region }),
    category: t.string({ description: AccountFields.category }),
    timeZone: t.string({ description: AccountFields.timeZone }),
    whoCanMessage: t.field({ type: WhoCanMessageEnum }),
  }),
});
const BusinessAccountPlatformInput = builder.inputType('BusinessAccountPlatformInput', {
  description: 'Attributes only the platform sets.',
  fields: (t) => ({
    followerCount: t.int(),
    ownerAge: t.int({ description: 'null when unknown.' }),
    seriousViolations: t.int(),
    recentSeriousViolations: t.int({ description: 'Serious violations in the last 30 days.' }),
    shopScore: t.float({ description: 'Shop score, 0–5 (null when not rated).' }),
    livestreamLevel: t.int({ description: 'Livestream level, 0–10 (null when not rated).' }),
  }),
});
export const BusinessAccountPayload = payloadType<{ account: { id: string } }>('BusinessAccountPayload', (t) => ({
  account: t.prismaField({ type: 'BusinessAccount', nullable: true, resolve: (q, p, _a, ctx) => (p.account ? ctx.db.businessAccount.findUnique({ ...q, where: { id: p.account.id } }) : null) }),
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
    args: { input: t.arg({ type: OrganizationCreateInput, required: true }) },
    resolve: (_root, { input }, ctx) => attempt(async () => ({ organization: await accounts.createOrganization(ctx.db, ctx.viewer!, input) })),
  }),
  organizationUpdate: t.field({
    type: OrganizationPayload,
    description: 'Owners and admins who work on the whole organization.',
    authScopes: (_root, args) => ({ organizationWide: { id: args.id.id, roles: managerRoles } }),
    args: { id: t.arg.globalID({ required: true, for: OrganizationRef }), input: t.arg({ type: OrganizationUpdateInput, required: true }) },
    resolve: (_root, { id, input }, ctx) => attempt(async () => ({ organization: await accounts.updateOrganization(ctx.db, id.id, input) })),
  }),
  organizationTransferOwnership: t.field({
    type: OwnershipTransferPayload,
    description: 'The owner hands the organization to another member and becomes an admin.',
    authScopes: (_root, args) => ({ organization: { id: args.organizationId.id, roles: ['OWNER'] } }),
    args: { organizationId: t.arg.globalID({ required: true, for: OrganizationRef }), memberId: t.arg.globalID({ required: true, for: MemberRef }) },
    resolve: (_root, args, ctx) => attempt(() => accounts.transferOwnership(ctx.db, ctx.viewer!, args.organizationId.id, args.memberId.id)),
  }),
  memberAdd: t.field({
    type: MemberPayload,
    authScopes: (_root, args, ctx) => managerScope(ctx, args.organizationId.id, [args.input.accountIds?.map((a) => a.id) ?? null]),
    args: { organizationId: t.arg.globalID({ required: true, for: OrganizationRef }), input: t.arg({ type: MemberAddInput, required: true }) },
    resolve: (_root, { organizationId, input }, ctx) =>
      attempt(async () => ({
        member: await accounts.addMember(ctx.db, ctx.viewer!, organizationId.id, { ...input, accountIds: input.accountIds?.map((a) => a.id) }),
      })),
  }),
  memberUpdate: t.field({
    type: MemberPayload,
    authScopes: async (_root, args, ctx) => {
      const member = await targetMember(args.id.id, ctx);
      if (!member) return false;
      const grant = args.input.accountIds === undefined ? [] : [args.input.accountIds?.map((a) => a.id) ?? null];
      return managerScope(ctx, member.organizationId, [member.reach, ...grant]);
    },
    args: { id: t.arg.globalID({ required: true, for: MemberRef }), input: t.arg({ type: MemberUpdateInput, required: true }) },
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
    description: 'Removes a member (or yourself: leaving). The owner cannot be removed.',
    authScopes: async (_root, args, ctx) => {
      const member = await targetMember(args.id.id, ctx);
      if (!member) return false;
      return member.userId === ctx.viewer?.userId ? { authenticated: true } : managerScope(ctx, member.organizationId, [member.reach]);
    },
    args: { id: t.arg.globalID({ required: true, for: MemberRef }) },
    resolve: (_root, { id }, ctx) =>
      attempt(async () => {
        const removed = await accounts.removeMember(ctx.db, ctx.viewer!, id.id);
        return { removedMemberId: removed.id, organizationId: removed.organizationId };
      }),
  }),
  businessAccountCreate: t.field({
    type: BusinessAccountPayload,
    description: 'Owners and admins who work on the whole organization.',
    authScopes: (_root, args) => ({ organizationWide: { id: args.organizationId.id, roles: managerRoles } }),
    args: { organizationId: t.arg.globalID({ required: true, for: OrganizationRef }), input: t.arg({ type: BusinessAccountCreateInput, required: true }) },
    resolve: (_root, { organizationId, input }, ctx) =>
      attempt(async () => ({ account: await accounts.createAccount(ctx.db, organizationId.id, { handle: input.handle, displayName: input.displayName, region: input.region, category: input.category, ...defined({ timeZone: input.timeZone, whoCanMessage: input.whoCanMessage }) }) })),
  }),
  businessAccountUpdate: t.field({
    type: BusinessAccountPayload,
    authScopes: (_root, args) => ({ account: { id: args.id.id, roles: managerRoles } }),
    args: { id: t.arg.globalID({ required: true, for: BusinessAccountRef }), input: t.arg({ type: BusinessAccountUpdateInput, required: true }) },
    resolve: (_root, { id, input }, ctx) => attempt(async () => ({ account: await accounts.updateAccount(ctx.db, id.id, defined(input)) })),
  }),
  businessAccountPlatformUpdate: t.field({
    type: BusinessAccountPayload,
    description: 'Platform admins set follower count, owner age, violation record, shop score and livestream level.',
    authScopes: { platformAdmin: true },
    args: { id: t.arg.globalID({ required: true, for: BusinessAccountRef }), input: t.arg({ type: BusinessAccountPlatformInput, required: true }) },
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
