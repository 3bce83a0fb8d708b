// The reply window and message limits in one policy object (PRODUCT §4).
import { integrationRestrictedRegions, mediaSendRestrictedRegions } from '../../platform/regions.ts';
import { userError, type UserError } from '../../platform/errors.ts';

export const replyWindow = {
  /** a business may send only this long after the user's latest message */
  hours: 48,
  /** business messages (automated included) per window */
  maxMessages: 10,
} as const;

export const messageLimits = {
  textMaxChars: 6000,
  /** what a business may send; users may also send VIDEO and STICKER */
  outboundKinds: ['TEXT', 'IMAGE', 'SHARE_POST'],
  outboundImageMaxBytes: 3 * 1024 * 1024,
  outboundImageTypes: ['image/jpeg', 'image/png'],
  inboundImageMaxBytes: 20 * 1024 * 1024,
  inboundImageTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
  inboundVideoMaxBytes: 25 * 1024 * 1024,
  inboundVideoTypes: ['video/mp4', 'video/quicktime'],
  stickerIdPattern: /^[A-Za-z0-9_.:-]{1,64}$/,
} as const;

/** Refuses the kinds a business may not send. */
export function outboundKindRefusal(kind: string, field: string[]): UserError | null {
  return (messageLimits.outboundKinds as readonly string[]).includes(kind) ? null : userError('INVALID', field, 'Businesses send TEXT, IMAGE or SHARE_POST messages.');
}

const HOUR = 3600_000;

export interface WindowState {
  lastUserMessageAt: Date | null;
  windowRepliesUsed: number;
}

export function windowEndsAt(state: WindowState): Date | null {
  return state.lastUserMessageAt ? new Date(state.lastUserMessageAt.getTime() + replyWindow.hours * HOUR) : null;
}

/** Replies the business may still send now (0 when the window is closed). */
export function repliesLeft(state: WindowState, now: Date): number {
  const ends = windowEndsAt(state);
  if (!ends || now >= ends) return 0;
  return Math.max(0, replyWindow.maxMessages - state.windowRepliesUsed);
}

/** Why the business cannot send now, with when the window ends or reopens; null when it can. */
export function windowRefusal(state: WindowState, now: Date, field: string[] | null = null): UserError | null {
  const ends = windowEndsAt(state);
  if (!ends || now >= ends) {
    const when = ends ? `it closed at ${ends.toISOString()}` : 'the user has not written yet';
    return userError('WINDOW_EXPIRED', field, `The reply window is closed (${when}); it reopens when the user sends a message.`);
  }
  if (state.windowRepliesUsed >= replyWindow.maxMessages) {
    return userError('WINDOW_QUOTA_EXCEEDED', field, `All ${replyWindow.maxMessages} messages of this window are used; it reopens when the user writes again (the window ends at ${ends.toISOString()}).`);
  }
  return null;
}

/** Channels a business reaches DMs through; integration tokens arrive with the integrations module. */
export type Channel = 'APP' | 'INTEGRATION';

export function channelRefusal(accountRegion: string, channel: Channel): UserError | null {
  return channel === 'INTEGRATION' && integrationRestrictedRegions.has(accountRegion) ? userError('REGION_RESTRICTED', null) : null;
}

export function mediaRefusal(recipient: { region: string | null; riskFlagged: boolean }, field: string[]): UserError | null {
  if (recipient.riskFlagged) return userError('RISK_CONTROL', field);
  if (recipient.region && mediaSendRestrictedRegions.has(recipient.region)) {
    return userError('MEDIA_SEND_STRATEGY', field, `Media cannot be sent to users in ${recipient.region}.`);
  }
  return null;
}
