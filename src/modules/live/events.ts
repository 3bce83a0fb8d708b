// Events of the live module. Both topics carry what subscribers show (the committed event
// row; the room snapshot), so delivering them costs no database read.
import type { RoomSnapshot } from './room.ts';

export interface LiveEventMessage {
  sessionId: string;
  seq: number;
  type: string;
  payload: unknown;
  /** ISO time */
  at: string;
}

declare module '../../platform/pubsub.ts' {
  interface TopicPayloads {
    /** id: live session id; a committed LiveEvent row */
    live: LiveEventMessage;
    /** id: live session id; what viewers see now */
    liveRoom: RoomSnapshot;
  }
}

export {};
