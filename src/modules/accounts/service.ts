// Organizations, their members and business accounts. Authorization (who may call) is
// checked by the schema's scopes; the rules here are about what the call may do.
import type { MemberRole, WhoCanMessage } from '../../generated/prisma/enums.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { isUniqueViolation, refuse, refuseIfAny, userError, type UserError } from '../../platform/errors.ts';
import { checkAccountFields, checkText, mayManage, MAX_NAME_LENGTH, type AccountFields } from './rules.ts';

export interface Actor {
  userId: string;
}

export async function createOrganization(db: Db, actor: Actor, input: { name: string }) {
  const errors: UserError[] = [];
  checkText(input.name, ['input', 'name'], MAX_NAME_LENGTH, errors);
  refuseIfAny(errors);
  return db.organization.create({
    data: { name: input.name.trim(), members: { create: { userId: actor.userId, role: 'OWNER' } } },
  });
}

export async function updateOrganization(db: Db, organizationId: string, input: { name?: string | null }) {
  const errors: UserError[] = [];
  if (input.name === null) errors.push(userError('REQUIRED', ['input', 'name'], 'name cannot be null.'));
  checkText(input.name ?? undefined, ['input', 'name'], MAX_NAME_LENGTH, errors);
  refuseIfAny(errors);
  return db.organization.update({ where: { id: organizationId }, data: { name: input.name?.trim() } });
}

async function actorRole(tx: Tx, organizationId: string, actor: Actor): Promise<MemberRole> {
  const membership = await tx.membership.findUnique({ where: { organizationId_userId: { organizationId, userId: actor.userId } }, select: { role: true } });
  if (!membership) refuse('NOT_FOUND', null, 'You are not a member of this organization.');
  return membership.role;
}

/** null = every account of the organization; a list restricts the member to those accounts */
async function checkAccountRestriction(tx: Tx, organizationId: string, accountIds: string[] | null | undefined, errors: UserError[]) {
  if (!accountIds) return;
  if (accountIds.length === 0) {
    errors.push(userError('INVALID', ['input', 'accountIds'], 'Give at least one account, or null for all accounts.'));
    return;
  }
  const owned = await tx.businessAccount.findMany({ where: { id: { in: accountIds }, organizationId }, select: { id: true } });
  const ownedIds = new Set(owned.map((a) => a.id));
  accountIds.forEach((id, index) => {
    if (!ownedIds.has(id)) errors.push(userError('ACCOUNT_NOT_IN_ORGANIZATION', ['input', 'accountIds', String(index)]));
  });
}

function restrictionData(accountIds: string[] | null | undefined) {
  return accountIds ? { restricted: true, accounts: { create: [...new Set(accountIds)].map((accountId) => ({ accountId })) } } : { restricted: false };
}

/**
 * Reads a membership under a row lock, so that role changes, removals and ownership transfers
 * of one member serialize: each then sees the others' outcome (a member who just became owner
 * cannot be removed or demoted by a request that read them as an agent).
 */
async function lockedMember(tx: Tx, membershipId: string, field = ['id']) {
  await tx.$queryRaw`SELECT id FROM "Membership" WHERE id = ${membershipId}::uuid FOR UPDATE`;
  const member = await tx.membership.findUnique({ where: { id: membershipId } });
  if (!member) refuse('NOT_FOUND', field, 'This member no longer exists.');
  return member;
}

export interface MemberInput {
  handle: string;
  role: MemberRole;
  accountIds?: string[] | null;
}

export async function addMember(db: Db, actor: Actor, organizationId: string, input: MemberInput) {
  return db.$transaction(async (tx) => {
    const role = await actorRole(tx, organizationId, actor);
    const errors: UserError[] = [];
    if (input.role === 'OWNER') errors.push(userError('OWNER_ROLE_RESERVED', ['input', 'role']));
    else if (!mayManage(role, input.role)) errors.push(userError('ROLE_NOT_ALLOWED', ['input', 'role'], `An ${role.toLowerCase()} cannot add ${input.role.toLowerCase()}s.`));
    const user = await tx.user.findFirst({ where: { handle: input.handle }, orderBy: { createdAt: 'desc' }, select: { id: true } });
    if (!user) errors.push(userError('USER_NOT_FOUND', ['input', 'handle'], `No user @${input.handle} has signed in yet.`));
    await checkAccountRestriction(tx, organizationId, input.accountIds, errors);
    refuseIfAny(errors);
    try {
      return await tx.membership.create({
        data: { organizationId, userId: user!.id, role: input.role, ...restrictionData(input.accountIds) },
      });
    } catch (error) {
      if (isUniqueViolation(error)) refuse('ALREADY_MEMBER', ['input', 'handle'], `@${input.handle} is already a member.`);
      throw error;
    }
  });
}

export async function updateMember(db: Db, actor: Actor, membershipId: string, input: { role?: MemberRole | null; accountIds?: string[] | null }) {
  return db.$transaction(async (tx) => {
    const member = await lockedMember(tx, membershipId);
    const role = await actorRole(tx, member.organizationId, actor);
    const errors: UserError[] = [];
    if (input.role === 'OWNER') errors.push(userError('OWNER_ROLE_RESERVED', ['input', 'role']));
    else if (member.role === 'OWNER' && input.role) errors.push(userError('OWNER_ROLE_RESERVED', ['input', 'role'], 'Transfer ownership before changing the owner’s role.'));
    else if (!mayManage(role, member.role)) errors.push(userError('ROLE_NOT_ALLOWED', ['id'], `An ${role.toLowerCase()} cannot change a member who is ${member.role.toLowerCase()}.`));
    else if (input.role && !mayManage(role, input.role)) errors.push(userError('ROLE_NOT_ALLOWED', ['input', 'role'], `An ${role.toLowerCase()} cannot make members ${input.role.toLowerCase()}s.`));
    if (member.role === 'OWNER' && input.accountIds) errors.push(userError('INVALID', ['input', 'accountIds'], 'The owner always works on every account.'));
    await checkAccountRestriction(tx, member.organizationId, input.accountIds, errors);
    refuseIfAny(errors);
    if (input.accountIds !== undefined) await tx.membershipAccount.deleteMany({ where: { membershipId } });
    return tx.membership.update({
      where: { id: membershipId },
      data: { role: input.role ?? undefined, ...(input.accountIds !== undefined ? restrictionData(input.accountIds) : {}) },
    });
  });
}

export async function removeMember(db: Db, actor: Actor, membershipId: string) {
  return db.$transaction(async (tx) => {
    const member = await lockedMember(tx, membershipId);
    if (member.role === 'OWNER') refuse('OWNER_CANNOT_LEAVE', ['id']);
    const leavingThemselves = member.userId === actor.userId;
    if (!leavingThemselves) {
      const role = await actorRole(tx, member.organizationId, actor);
      if (!mayManage(role, member.role)) refuse('ROLE_NOT_ALLOWED', ['id'], `An ${role.toLowerCase()} cannot remove this member.`);
    }
    await tx.membership.delete({ where: { id: membershipId } });
    return member;
  });
}

/** The owner hands the organization to another member and becomes an admin. */
export async function transferOwnership(db: Db, actor: Actor, organizationId: string, newOwnerMembershipId: string) {
  return db.$transaction(async (tx) => {
    const target = await lockedMember(tx, newOwnerMembershipId, ['memberId']);
    if (target.organizationId !== organizationId) refuse('NOT_FOUND', ['memberId'], 'The new owner must be a member of this organization.');
    if (target.userId === actor.userId) refuse('INVALID', ['memberId'], 'You already own this organization.');
    // compare-and-set: only the current owner's row flips, so two transfers cannot both win
    const demoted = await tx.membership.updateMany({
      where: { organizationId, userId: actor.userId, role: 'OWNER' },
      data: { role: 'ADMIN', restricted: false },
    });
    if (demoted.count !== 1) refuse('ROLE_NOT_ALLOWED', null, 'Only the owner can transfer ownership.');
    await tx.membershipAccount.deleteMany({ where: { membershipId: target.id } });
    const owner = await tx.membership.update({ where: { id: target.id }, data: { role: 'OWNER', restricted: false } });
    return { owner, organization: await tx.organization.findUniqueOrThrow({ where: { id: organizationId } }) };
  });
}

export interface AccountInput extends AccountFields {
  whoCanMessage?: WhoCanMessage;
}

function handleTaken(error: unknown, handle: string | undefined): void {
  if (isUniqueViolation(error, 'handle')) refuse('HANDLE_TAKEN', ['input', 'handle'], `@${handle} is already taken.`);
}

export async function createAccount(db: Db, organizationId: string, input: Required<Pick<AccountInput, 'handle' | 'displayName' | 'region' | 'category'>> & AccountInput) {
  const errors: UserError[] = [];
  checkAccountFields(input, errors);
  refuseIfAny(errors);
  try {
    return await db.businessAccount.create({
      data: {
        organizationId,
        handle: input.handle,
        displayName: input.displayName.trim(),
        region: input.region,
        category: input.category.trim(),
        timeZone: input.timeZone,
        whoCanMessage: input.whoCanMessage,
        page: { create: {} },
      },
    });
  } catch (error) {
    handleTaken(error, input.handle);
    throw error;
  }
}

export async function updateAccount(db: Db, accountId: string, input: AccountInput) {
  const errors: UserError[] = [];
  checkAccountFields(input, errors);
  refuseIfAny(errors);
  try {
    return await db.businessAccount.update({
      where: { id: accountId },
      data: {
        handle: input.handle,
        displayName: input.displayName?.trim(),
        region: input.region,
        category: input.category?.trim(),
        timeZone: input.timeZone,
        whoCanMessage: input.whoCanMessage,
      },
    });
  } catch (error) {
    handleTaken(error, input.handle);
    throw error;
  }
}

export interface PlatformAttributes {
  followerCount?: number;
  ownerAge?: number | null;
  seriousViolations?: number;
  recentSeriousViolations?: number;
  shopScore?: number | null;
  livestreamLevel?: number | null;
}

/** Attributes the platform owns (platform admins only). */
export async function updatePlatformAttributes(db: Db, accountId: string, input: PlatformAttributes) {
  const errors: UserError[] = [];
  if (input.followerCount !== undefined && input.followerCount < 0) errors.push(userError('INVALID', ['input', 'followerCount'], 'followerCount cannot be negative.'));
  if (input.ownerAge !== undefined && input.ownerAge !== null && (input.ownerAge < 0 || input.ownerAge > 150)) {
    errors.push(userError('INVALID', ['input', 'ownerAge'], 'ownerAge must be between 0 and 150.'));
  }
  if (input.seriousViolations !== undefined && input.seriousViolations < 0) {
    errors.push(userError('INVALID', ['input', 'seriousViolations'], 'seriousViolations cannot be negative.'));
  }
  if (input.recentSeriousViolations !== undefined && input.recentSeriousViolations < 0) {
    errors.push(userError('INVALID', ['input', 'recentSeriousViolations'], 'recentSeriousViolations cannot be negative.'));
  }
  if (input.shopScore !== undefined && input.shopScore !== null && !(input.shopScore >= 0 && input.shopScore <= 5)) {
    errors.push(userError('INVALID', ['input', 'shopScore'], 'shopScore is between 0 and 5.'));
  }
  if (input.livestreamLevel !== undefined && input.livestreamLevel !== null && (input.livestreamLevel < 0 || input.livestreamLevel > 10)) {
    errors.push(userError('INVALID', ['input', 'livestreamLevel'], 'livestreamLevel is between 0 and 10.'));
  }
  refuseIfAny(errors);
  return db.businessAccount.update({ where: { id: accountId }, data: input });
}
