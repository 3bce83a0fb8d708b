// What a viewer of a live room sees: its state, whether they may DM, the visible entries.
// Never another viewer's message or any personal data.
import type { Db, Tx } from '../../platform/db.ts';
import type { PendingEvents } from '../../platform/events.ts';
import './events.ts';

export interface RoomEntry {
  id: string;
  type: 'GET_LEADS' | 'BUSINESS';
  function: string | null;
  label: string | null;
  target: string | null;
  leadForm: { id: string; name: string; callToAction: string } | null;
}

export interface RoomSnapshot {
  sessionId: string;
  state: 'SCHEDULED' | 'LIVE' | 'ENDED';
  allowViewerMessages: boolean;
  entries: RoomEntry[];
}

export async function roomSnapshot(db: Db | Tx, sessionId: string): Promise<RoomSnapshot> {
  const session = await db.liveSession.findUniqueOrThrow({
    where: { id: sessionId },
    select: { state: true, allowViewerMessages: true, entries: { where: { visible: true }, orderBy: [{ position: 'asc' }, { id: 'asc' }] } },
  });
  const formIds = session.entries.map((e) => e.leadFormId).filter((id): id is string => id !== null);
  const forms = formIds.length ? await db.leadForm.findMany({ where: { id: { in: formIds } }, select: { id: true, name: true, callToAction: true } }) : [];
  const formsById = new Map(forms.map((f) => [f.id, f]));
  return {
    sessionId,
    state: session.state,
    allowViewerMessages: session.allowViewerMessages,
    entries: session.entries.map((e) => ({
      id: e.id,
      type: e.type,
      function: e.function,
      label: e.label,
      target: e.target,
      leadForm: e.leadFormId ? (formsById.get(e.leadFormId) ?? null) : null,
    })),
  };
}

/** Publishes the room as it is after this transaction (computed inside it, sent after commit). */
export async function announceRoom(tx: Tx, events: PendingEvents, sessionId: string): Promise<void> {
  events.add('liveRoom', sessionId, await roomSnapshot(tx, sessionId));
}
