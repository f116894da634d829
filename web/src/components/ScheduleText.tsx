import type { Schedule } from '@kwartier/shared';
import { useI18n } from '../i18n/I18nContext.tsx';

/** Opening hours and meetings in words, as people say them: "elke 2e di van de maand 14:00–16:00". */
export function ScheduleText({ schedule }: { schedule: Schedule }) {
  const { t } = useI18n();
  const lines: string[] = [];
  if (schedule.alwaysOpen) lines.push(t.alwaysOpen);
  for (const hours of schedule.openingHours) lines.push(`${hours.days.map((d) => t.weekdays[d]).join(', ')} ${hours.opens}–${hours.closes}`);
  for (const meeting of schedule.meetings) {
    const day = t.weekdays[meeting.weekday];
    const when =
      meeting.recurrence === 'weekly' ? `${t.every} ${day}`
      : meeting.recurrence === 'biweekly' ? `${t.everyOther} ${day}`
      : `${t.every} ${(meeting.weeksOfMonth ?? []).map(t.weekOfMonth).join(', ')} ${day} ${t.ofTheMonth}`;
    lines.push(`${when} ${meeting.starts}–${meeting.ends}`);
  }
  if (schedule.note) lines.push(schedule.note);
  return lines.length > 0 ? <ul>{lines.map((line) => <li key={line}>{line}</li>)}</ul> : <p>{t.noSchedule}</p>;
}
