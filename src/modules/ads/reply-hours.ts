// Reply hours of a messaging ad: weekly slots of local wall-clock time in the account's IANA
// time zone. Pure functions over (slots, zone, instant), so daylight-saving changes are decided
// by the zone rules Intl already carries (no hand-kept offsets).
import { userError, type UserError } from '../../platform/errors.ts';

export const weekdays = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Weekday = (typeof weekdays)[number];

export interface ReplyHourSlot {
  day: Weekday;
  /** local time HH:MM */
  start: string;
  /** local time HH:MM, after start; 24:00 closes at midnight */
  end: string;
}

export const replyHourLimits = {
  /** slots a day may have (a split shift with breaks fits in 4) */
  slotsPerDay: 4,
  /** the away message, like the welcome message */
  awayMessageChars: 250,
} as const;

const timePattern = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Every problem of a weekly schedule: time format, start before end, overlaps, slots per day. */
export function checkReplyHours(slots: readonly ReplyHourSlot[], field: string[]): UserError[] {
  const errors: UserError[] = [];
  const byDay = new Map<Weekday, { start: number; end: number; index: number }[]>();
  slots.forEach((slot, index) => {
    const at = [...field, String(index)];
    if (!weekdays.includes(slot.day)) return errors.push(userError('INVALID', [...at, 'day'], 'Days are MONDAY … SUNDAY.'));
    if (!timePattern.test(slot.start) || slot.start === '24:00') return errors.push(userError('REPLY_HOURS_INVALID', [...at, 'start'], 'Times are HH:MM, 00:00–23:59.'));
    if (!timePattern.test(slot.end)) return errors.push(userError('REPLY_HOURS_INVALID', [...at, 'end'], 'Times are HH:MM, 00:01–24:00.'));
    const start = minutesOf(slot.start);
    const end = minutesOf(slot.end);
    if (end <= start) return errors.push(userError('REPLY_HOURS_INVALID', [...at, 'end'], `A slot ends after it starts (${slot.start}–${slot.end}).`));
    const day = byDay.get(slot.day) ?? [];
    const clash = day.find((other) => start < other.end && other.start < end);
    if (clash) errors.push(userError('REPLY_HOURS_OVERLAP', at, `${slot.day} ${slot.start}–${slot.end} overlaps slot ${clash.index + 1}.`));
    day.push({ start, end, index });
    byDay.set(slot.day, day);
    if (day.length === replyHourLimits.slotsPerDay + 1) {
      errors.push(userError('LIMIT_REACHED', at, `A day has at most ${replyHourLimits.slotsPerDay} reply-hour slots.`));
    }
  });
  return errors;
}

/** The slots in a stable order (day, then start): how they are stored and shown. */
export function sortSlots(slots: readonly ReplyHourSlot[]): ReplyHourSlot[] {
  return [...slots].sort((a, b) => weekdays.indexOf(a.day) - weekdays.indexOf(b.day) || minutesOf(a.start) - minutesOf(b.start));
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  weekday: Weekday;
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'long' });
    formatters.set(zone, format);
  }
  return format;
}

/** The wall-clock time an instant shows in a zone. */
export function localTime(instant: Date, zone: string): LocalTime & { seconds: number } {
  const parts = Object.fromEntries(formatter(zone).formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: String(parts.weekday).toUpperCase() as Weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    seconds: Number(parts.second),
  };
}

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetAt(instant: number, zone: string): number {
  const t = localTime(new Date(instant), zone);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, Math.floor(t.minutes / 60), t.minutes % 60, t.seconds);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a local wall-clock time happens in a zone. A time skipped by a spring-forward
 * change lands just after the gap; a repeated autumn time takes its first occurrence.
 */
export function instantOf(year: number, month: number, day: number, minutes: number, zone: string): Date {
  const wall = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  // the offsets a day before and after bracket any change near this time
  const first = wall - offsetAt(wall - 86_400_000, zone);
  const second = wall - offsetAt(wall + 86_400_000, zone);
  const shows = (instant: number) => instant + offsetAt(instant, zone) === wall;
  const valid = [first, second].filter(shows);
  // none valid: the time falls in a spring-forward gap; the later candidate is just after it
  return new Date(valid.length > 0 ? Math.min(...valid) : Math.max(first, second));
}

/** Whether the team answers at this instant (no slots = always open). */
export function isOpen(slots: readonly ReplyHourSlot[], zone: string, at: Date): boolean {
  if (slots.length === 0) return true;
  const local = localTime(at, zone);
  return slots.some((slot) => slot.day === local.weekday && minutesOf(slot.start) <= local.minutes && local.minutes < minutesOf(slot.end));
}

/**
 * When the closed period around `at` ends: the next slot start after it. Identifies the closed
 * period, so its away message goes out once. Null when no slot exists.
 */
export function reopensAt(slots: readonly ReplyHourSlot[], zone: string, at: Date): Date | null {
  if (slots.length === 0) return null;
  const today = localTime(at, zone);
  let best: Date | null = null;
  for (let offset = 0; offset <= 7 && !best; offset++) {
    // calendar arithmetic on the local date (UTC fields avoid any zone shift)
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const weekday = weekdays[(date.getUTCDay() + 6) % 7]!;
    for (const slot of slots) {
      if (slot.day !== weekday) continue;
      const start = instantOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), minutesOf(slot.start), zone);
      if (start > at && (!best || start < best)) best = start;
    }
  }
  return best;
}
