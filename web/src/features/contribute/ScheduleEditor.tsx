import { useId } from 'react';
import { WEEKDAYS, type OpeningHours, type Weekday } from '@kwartier/shared';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { FieldProblems, problemsAt, type Problems } from '../../components/forms.tsx';
import type { AssetDraft, MeetingDraft } from './assetForm.ts';

type Schedule = AssetDraft['schedule'];
const WEEKS = [1, 2, 3, 4, 5, -1] as const;

/**
 * When it happens, the two ways people say it: a recurring meeting ("elke 2e dinsdag van de
 * maand 14:00-16:00") and opening hours ("ma, di, do 9:00-12:00"), with a note for the rest.
 */
export function ScheduleEditor({ schedule, onChange, problems }: { schedule: Schedule; onChange: (schedule: Schedule) => void; problems: Problems }) {
  const { t } = useI18n();
  const id = useId();
  const setMeeting = (index: number, change: Partial<MeetingDraft>) =>
    onChange({ ...schedule, meetings: schedule.meetings.map((meeting, i) => (i === index ? { ...meeting, ...change } : meeting)) });
  const setHours = (index: number, change: Partial<OpeningHours>) =>
    onChange({ ...schedule, openingHours: schedule.openingHours.map((hours, i) => (i === index ? { ...hours, ...change } : hours)) });
  const toggle = <T,>(list: readonly T[], value: T) => (list.includes(value) ? list.filter((item) => item !== value) : [...list, value]);

  return (
    <div className="schedule-editor">
      {schedule.meetings.map((meeting, index) => {
        const at = `schedule.meetings.${index}`;
        return (
          <fieldset key={`meeting-${index}`} className="row-group">
            <legend>{t.contribute.meeting(index + 1)}</legend>
            <div className="inline-fields">
              <label>
                <span>{t.contribute.weekday}</span>
                <select value={meeting.weekday} onChange={(event) => setMeeting(index, { weekday: event.target.value as Weekday })}>
                  {WEEKDAYS.map((day) => <option key={day} value={day}>{t.weekdayNames[day]}</option>)}
                </select>
              </label>
              <label>
                <span>{t.contribute.from}</span>
                <input type="time" value={meeting.starts} onChange={(event) => setMeeting(index, { starts: event.target.value })} aria-invalid={problemsAt(problems, `${at}.starts`).length > 0} />
              </label>
              <label>
                <span>{t.contribute.until}</span>
                <input type="time" value={meeting.ends} onChange={(event) => setMeeting(index, { ends: event.target.value })} aria-invalid={problemsAt(problems, `${at}.ends`).length > 0} />
              </label>
            </div>
            <label>
              <span>{t.contribute.howOften}</span>
              <select value={meeting.recurrence} onChange={(event) => setMeeting(index, { recurrence: event.target.value as MeetingDraft['recurrence'] })}>
                <option value="weekly">{t.contribute.weekly}</option>
                <option value="biweekly">{t.contribute.biweekly}</option>
                <option value="monthly">{t.contribute.monthly}</option>
              </select>
            </label>
            {meeting.recurrence === 'biweekly' ? (
              <label>
                <span>{t.contribute.anchorDate}</span>
                <input type="date" value={meeting.anchorDate} onChange={(event) => setMeeting(index, { anchorDate: event.target.value })} aria-invalid={problemsAt(problems, `${at}.anchorDate`).length > 0} />
              </label>
            ) : null}
            {meeting.recurrence === 'monthly' ? (
              <fieldset className="checks-inline">
                <legend>{t.contribute.weeksOfMonth}</legend>
                {WEEKS.map((week) => (
                  <label key={week} className="check">
                    <input type="checkbox" checked={meeting.weeksOfMonth.includes(week)} onChange={() => setMeeting(index, { weeksOfMonth: toggle(meeting.weeksOfMonth, week) })} />
                    <span>{t.weekOfMonth(week)}</span>
                  </label>
                ))}
              </fieldset>
            ) : null}
            <FieldProblems id={`${id}-m${index}`} problems={problemsAt(problems, at)} />
            <button type="button" className="link" onClick={() => onChange({ ...schedule, meetings: schedule.meetings.filter((_, i) => i !== index) })}>
              {t.contribute.removeMeeting}
            </button>
          </fieldset>
        );
      })}
      {schedule.openingHours.map((hours, index) => {
        const at = `schedule.openingHours.${index}`;
        return (
          <fieldset key={`hours-${index}`} className="row-group">
            <legend>{t.contribute.hours(index + 1)}</legend>
            <fieldset className="checks-inline">
              <legend className="visually-hidden">{t.contribute.days}</legend>
              {WEEKDAYS.map((day) => (
                <label key={day} className="check">
                  <input type="checkbox" checked={hours.days.includes(day)} onChange={() => setHours(index, { days: toggle(hours.days, day) })} />
                  <span>{t.weekdays[day]}</span>
                </label>
              ))}
            </fieldset>
            <div className="inline-fields">
              <label>
                <span>{t.contribute.opens}</span>
                <input type="time" value={hours.opens} onChange={(event) => setHours(index, { opens: event.target.value })} />
              </label>
              <label>
                <span>{t.contribute.closes}</span>
                <input type="time" value={hours.closes} onChange={(event) => setHours(index, { closes: event.target.value })} />
              </label>
            </div>
            <FieldProblems id={`${id}-h${index}`} problems={problemsAt(problems, at)} />
            <button type="button" className="link" onClick={() => onChange({ ...schedule, openingHours: schedule.openingHours.filter((_, i) => i !== index) })}>
              {t.contribute.removeHours}
            </button>
          </fieldset>
        );
      })}
      <div className="add-buttons">
        <button
          type="button"
          className="secondary"
          onClick={() => onChange({ ...schedule, meetings: [...schedule.meetings, { weekday: 'tu', starts: '14:00', ends: '16:00', recurrence: 'weekly', weeksOfMonth: [], anchorDate: '' }] })}
        >
          + {t.contribute.addMeeting}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => onChange({ ...schedule, openingHours: [...schedule.openingHours, { days: ['mo', 'tu', 'we', 'th', 'fr'], opens: '09:00', closes: '17:00' }] })}
        >
          + {t.contribute.addHours}
        </button>
      </div>
      <label className="check">
        <input type="checkbox" checked={schedule.alwaysOpen} onChange={(event) => onChange({ ...schedule, alwaysOpen: event.target.checked })} />
        <span>{t.alwaysOpen}</span>
      </label>
      <label className="stacked">
        <span>{t.contribute.scheduleNote}</span>
        <input type="text" value={schedule.note} maxLength={500} placeholder={t.contribute.scheduleNoteExample} onChange={(event) => onChange({ ...schedule, note: event.target.value })} />
      </label>
      <FieldProblems id={`${id}-note`} problems={problemsAt(problems, 'schedule.note')} />
    </div>
  );
}
