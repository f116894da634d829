import { z } from 'zod';

/**
 * When an asset is open or meets. Two shapes cover what Dutch social maps need:
 * opening hours ("ma t/m vr 9:00-17:00") and recurring meetings ("elke 2e dinsdag van de
 * maand 14:00-16:00", "om de week op donderdag"). Times are local Europe/Amsterdam wall-clock
 * times, because that is how people read and write them.
 */

export const WEEKDAYS = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const WeekdaySchema = z.enum(WEEKDAYS);

/** 'HH:MM' on a 24-hour clock; '24:00' is allowed as a closing time. Zero-padded, so that
 * times compare correctly as strings (the database relies on that). */
const ClockTimeSchema = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected a time as HH:MM, for example 09:30');

/** Cross-field rules run only on fields that are each valid, so one mistake is reported once. */
export const whenFieldsValid = { when: (payload: { issues: unknown[] }) => payload.issues.length === 0 };

const IsoDateSchema = z.iso.date({ message: 'expected a date as YYYY-MM-DD' });

export const OpeningHoursSchema = z
  .object({
    days: z
      .array(WeekdaySchema)
      .min(1)
      .max(7)
      .refine((days) => new Set(days).size === days.length, { message: 'days must not repeat' }),
    opens: ClockTimeSchema,
    closes: ClockTimeSchema,
  })
  .strict()
  .refine((hours) => hours.opens < hours.closes, {
    message: 'closes must be later than opens; split hours past midnight into two entries',
    path: ['closes'],
    ...whenFieldsValid,
  });

/** Week of the month: 1 to 5, or -1 for the last one ("elke laatste vrijdag"). */
const WeekOfMonthSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(-1)]);

export const MeetingSchema = z
  .object({
    weekday: WeekdaySchema,
    starts: ClockTimeSchema,
    ends: ClockTimeSchema,
    recurrence: z.enum(['weekly', 'biweekly', 'monthly']),
    /** For monthly meetings: which weeks of the month, e.g. [2] for "every 2nd Tuesday". */
    weeksOfMonth: z.array(WeekOfMonthSchema).min(1).max(6).optional(),
    /** For biweekly meetings: one date on which the meeting takes place. */
    anchorDate: IsoDateSchema.optional(),
  })
  .strict()
  .refine((meeting) => meeting.starts < meeting.ends, { message: 'ends must be later than starts', path: ['ends'], ...whenFieldsValid })
  .refine((meeting) => meeting.recurrence !== 'monthly' || (meeting.weeksOfMonth?.length ?? 0) > 0, {
    message: 'a monthly meeting needs weeksOfMonth, for example [2] for every 2nd week',
    path: ['weeksOfMonth'],
    ...whenFieldsValid,
  })
  .refine((meeting) => meeting.recurrence === 'monthly' || meeting.weeksOfMonth === undefined, {
    message: 'weeksOfMonth is only for monthly meetings',
    path: ['weeksOfMonth'],
    ...whenFieldsValid,
  })
  .refine((meeting) => meeting.recurrence !== 'biweekly' || meeting.anchorDate !== undefined, {
    message: 'a biweekly meeting needs anchorDate, a date on which it meets',
    path: ['anchorDate'],
    ...whenFieldsValid,
  })
  .refine(
    (meeting) => meeting.anchorDate === undefined || weekdayOfIsoDate(meeting.anchorDate) === meeting.weekday,
    { message: 'anchorDate must fall on the meeting weekday', path: ['anchorDate'], ...whenFieldsValid },
  );

export const ScheduleSchema = z
  .object({
    /** Open around the clock, as a 24/7 crisis service is. */
    alwaysOpen: z.boolean().default(false),
    openingHours: z.array(OpeningHoursSchema).max(21).default([]),
    meetings: z.array(MeetingSchema).max(12).default([]),
    /** Free text for what the structure cannot say ("op afspraak", "niet in de zomer"). */
    note: z.string().trim().max(500).optional(),
  })
  .strict();

export type OpeningHours = z.infer<typeof OpeningHoursSchema>;
export type Meeting = z.infer<typeof MeetingSchema>;
export type Schedule = z.infer<typeof ScheduleSchema>;

export const SCHEDULE_TIME_ZONE = 'Europe/Amsterdam';

/** A moment as a person in the Netherlands reads it off the clock and the calendar. */
export type LocalMoment = {
  date: string; // YYYY-MM-DD
  weekday: Weekday;
  time: string; // HH:MM
  weekOfMonth: number; // 1..5
  isLastWeekOfMonth: boolean;
};

export function localMoment(instant: Date, timeZone: string = SCHEDULE_TIME_ZONE): LocalMoment {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const year = Number(part('year'));
  const month = Number(part('month'));
  const day = Number(part('day'));
  const date = `${part('year')}-${part('month')}-${part('day')}`;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return {
    date,
    weekday: weekdayOfIsoDate(date),
    time: `${part('hour')}:${part('minute')}`,
    weekOfMonth: Math.ceil(day / 7),
    isLastWeekOfMonth: day + 7 > daysInMonth,
  };
}

export function weekdayOfIsoDate(isoDate: string): Weekday {
  const utcDay = new Date(`${isoDate}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return WEEKDAYS[(utcDay + 6) % 7]!;
}

function daysBetween(fromIsoDate: string, toIsoDate: string): number {
  return Math.round((Date.parse(`${toIsoDate}T00:00:00Z`) - Date.parse(`${fromIsoDate}T00:00:00Z`)) / 86_400_000);
}

function meetingTakesPlaceOn(meeting: Meeting, moment: LocalMoment): boolean {
  if (meeting.weekday !== moment.weekday) return false;
  switch (meeting.recurrence) {
    case 'weekly':
      return true;
    case 'biweekly':
      return meeting.anchorDate !== undefined && daysBetween(meeting.anchorDate, moment.date) % 14 === 0;
    case 'monthly':
      return (meeting.weeksOfMonth ?? []).some(
        (week) => week === moment.weekOfMonth || (week === -1 && moment.isLastWeekOfMonth),
      );
  }
}

/**
 * Whether a schedule is open at a local moment. The database evaluates the same rule in SQL
 * (server/src/modules/assets/assets.repository.ts, `openAt`); the tests keep the two in step.
 */
export function isOpenAt(schedule: Schedule, moment: LocalMoment): boolean {
  if (schedule.alwaysOpen) return true;
  const within = (from: string, to: string) => from <= moment.time && moment.time < to;
  return (
    schedule.openingHours.some((hours) => hours.days.includes(moment.weekday) && within(hours.opens, hours.closes)) ||
    schedule.meetings.some((meeting) => meetingTakesPlaceOn(meeting, moment) && within(meeting.starts, meeting.ends))
  );
}
