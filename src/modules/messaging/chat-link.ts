// Chat links: https://tiktok.me/{handle} (base configurable) with an optional prefilled
// message that the platform reviews before it is used, plus the link's QR code.
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { refuse } from '../../platform/errors.ts';
import { registerReviewable } from '../reviews/registry.ts';
import { submitForReview, withdrawReview } from '../reviews/service.ts';

export const PREFILL_MAX_CHARS = 200;

registerReviewable({
  kind: 'CHAT_LINK_PREFILL',
  subjectType: 'BusinessAccount',
  label: 'chat link message',
  dueWithinHours: 24,
  areas: ['CONTENT'],
  describe: async (tx, accountId) => `@${(await tx.businessAccount.findUniqueOrThrow({ where: { id: accountId }, select: { handle: true } })).handle}`,
  onApproved: async (tx, accountId) => {
    const link = await tx.chatLink.findUniqueOrThrow({ where: { accountId } });
    await tx.chatLink.update({ where: { accountId }, data: { prefillState: 'APPROVED', approvedPrefill: link.prefill } });
  },
  onRejected: async (tx, accountId) => {
    await tx.chatLink.update({ where: { accountId }, data: { prefillState: 'REJECTED' } });
  },
});

/** Asks for a new prefilled message (reviewed before use); null removes it at once. */
export async function setPrefill(db: Db, clock: Clock, accountId: string, prefill: string | null, submittedById: string) {
  const text = prefill?.trim() ?? null;
  if (prefill !== null && !text) refuse('REQUIRED', ['prefill'], 'The prefilled message cannot be blank; send null to remove it.');
  if (text && [...text].length > PREFILL_MAX_CHARS) refuse('TOO_LONG', ['prefill'], `At most ${PREFILL_MAX_CHARS} characters.`);
  return db.$transaction(async (tx) => {
    if (!text) {
      await withdrawReview(tx, clock, 'CHAT_LINK_PREFILL', accountId);
      return tx.chatLink.upsert({
        where: { accountId },
        create: { accountId, prefill: null, prefillState: 'NONE', approvedPrefill: null },
        update: { prefill: null, prefillState: 'NONE', approvedPrefill: null },
      });
    }
    const link = await tx.chatLink.upsert({
      where: { accountId },
      create: { accountId, prefill: text, prefillState: 'REVIEWING' },
      update: { prefill: text, prefillState: 'REVIEWING' },
    });
    await submitForReview(tx, clock, { kind: 'CHAT_LINK_PREFILL', subjectId: accountId, accountId, snapshot: { prefill: text }, submittedById });
    return link;
  });
}

export function chatLinkUrl(base: string, handle: string, approvedPrefill: string | null): string {
  const url = `${base}/${encodeURIComponent(handle)}`;
  return approvedPrefill ? `${url}?text=${encodeURIComponent(approvedPrefill)}` : url;
}

export async function qrCodes(url: string): Promise<{ svg: string; pngDataUrl: string }> {
  // loaded on first use: only the chat link page asks for QR codes
  const { default: QRCode } = await import('qrcode');
  const [svg, pngDataUrl] = await Promise.all([
    QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
    QRCode.toDataURL(url, { type: 'image/png', errorCorrectionLevel: 'M', margin: 2, width: 512 }),
  ]);
  return { svg, pngDataUrl };
}
