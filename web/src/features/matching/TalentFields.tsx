import { useId } from 'react';
import { type Availability, DAY_PARTS, type DayPart, INCLUSION_FEATURES, SKILLS, WEEKDAYS, type Weekday } from '@kwartier/shared';
import { useI18n } from '../../i18n/I18nContext.tsx';

/** Skills from the shared vocabulary, as checkboxes. */
export function SkillPicker({ value, onChange, legend }: { value: readonly string[]; onChange: (skills: string[]) => void; legend?: string }) {
  const { t, label } = useI18n();
  return (
    <fieldset className="checks" data-testid="skill-picker">
      <legend>{legend ?? t.matching.skills}</legend>
      <div className="checks-columns">
        {SKILLS.map((skill) => (
          <label key={skill.code} className="check">
            <input
              type="checkbox"
              checked={value.includes(skill.code)}
              onChange={() => onChange(value.includes(skill.code) ? value.filter((code) => code !== skill.code) : [...value, skill.code])}
            />
            <span>{label(skill.label)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function toggle(availability: Availability, day: Weekday, part: DayPart): Availability {
  const entry = availability.find((slot) => slot.day === day);
  const parts = entry?.parts.includes(part) ? entry.parts.filter((p) => p !== part) : [...(entry?.parts ?? []), part];
  const rest = availability.filter((slot) => slot.day !== day);
  const next = parts.length > 0 ? [...rest, { day, parts: DAY_PARTS.map((p) => p.code).filter((code) => parts.includes(code)) }] : rest;
  return next.sort((a, b) => WEEKDAYS.indexOf(a.day) - WEEKDAYS.indexOf(b.day));
}

/** Weekdays by parts of the day, as a grid of checkboxes: "Saturday morning". */
export function AvailabilityPicker({ value, onChange, legend }: { value: Availability; onChange: (availability: Availability) => void; legend?: string }) {
  const { t, label } = useI18n();
  const id = useId();
  return (
    <fieldset className="checks" data-testid="availability-picker">
      <legend id={id}>{legend ?? t.matching.availability}</legend>
      <table className="availability" aria-labelledby={id} style={{ borderCollapse: 'collapse' }}>
        <thead>
          <tr>
            <td />
            {WEEKDAYS.map((day) => <th key={day} scope="col" style={{ padding: '0 4px', fontWeight: 500 }}>{t.weekdays[day]}</th>)}
          </tr>
        </thead>
        <tbody>
          {DAY_PARTS.map((part) => (
            <tr key={part.code}>
              <th scope="row" style={{ textAlign: 'left', paddingRight: 8, fontWeight: 500 }}>{label(part.label)}</th>
              {WEEKDAYS.map((day) => (
                <td key={day} style={{ textAlign: 'center' }}>
                  <input
                    type="checkbox"
                    aria-label={`${t.weekdayNames[day]} ${label(part.label).toLowerCase()}`}
                    checked={value.some((slot) => slot.day === day && slot.parts.includes(part.code))}
                    onChange={() => onChange(toggle(value, day, part.code))}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </fieldset>
  );
}

/** The inclusion features a person needs of a place. */
export function NeedsPicker({ value, onChange, legend }: { value: readonly string[]; onChange: (needs: string[]) => void; legend?: string }) {
  const { t, label } = useI18n();
  return (
    <fieldset className="checks">
      <legend>{legend ?? t.matching.needs}</legend>
      {INCLUSION_FEATURES.map((feature) => (
        <label key={feature.code} className="check">
          <input
            type="checkbox"
            checked={value.includes(feature.code)}
            onChange={() => onChange(value.includes(feature.code) ? value.filter((code) => code !== feature.code) : [...value, feature.code])}
          />
          <span>{label(feature.label)}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** The contribute form's part for a talent: what the resident can do and when. */
export function TalentMatchFields({ skills, availability, onSkills, onAvailability }: {
  skills: string[];
  availability: Availability;
  onSkills: (skills: string[]) => void;
  onAvailability: (availability: Availability) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <h3>{t.matching.profile}</h3>
      <p className="hint">{t.matching.contributeHint}</p>
      <SkillPicker value={skills} onChange={onSkills} />
      <AvailabilityPicker value={availability} onChange={onAvailability} />
    </>
  );
}
