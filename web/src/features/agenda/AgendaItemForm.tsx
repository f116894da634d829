import { useId, useState } from 'react';
import {
  AGENDA_STATUSES,
  AGENDA_STATUS_CODES,
  AgendaItemCreateSchema,
  AgendaItemUpdateSchema,
  CHARACTERISTICS,
  INDICATORS,
  INDICATOR_GROUPS,
  type AgendaItem,
  type AgendaItemCreate,
} from '@kwartier/shared';
import { createAgendaItem, updateAgendaItem, type AgendaItemPatch } from '../../api/agenda.ts';
import { ErrorSummary, Field, FieldProblems, generalMessage, problemsAt, problemsOf, schemaProblems, type Problems } from '../../components/forms.tsx';
import { useI18n } from '../../i18n/I18nContext.tsx';

type Status = (typeof AGENDA_STATUS_CODES)[number];
type Characteristic = AgendaItemCreate['characteristics'][number];

/** The form as typed: text fields as strings, an empty string for "none". */
type Draft = {
  areaCode: string;
  title: string;
  description: string;
  characteristics: Characteristic[];
  indicator: string;
  ownerOrganisation: string;
  status: Status;
  dueDate: string;
};

const AREA = /^(BU\d{8}|WK\d{6})$/;

function draftOf(item: AgendaItem | undefined, defaultArea: string): Draft {
  return {
    areaCode: item?.areaCode ?? defaultArea,
    title: item?.title ?? '',
    description: item?.description ?? '',
    characteristics: (item?.characteristics ?? []) as Characteristic[],
    indicator: item?.indicator ?? '',
    ownerOrganisation: item?.ownerOrganisation ?? '',
    status: item?.status ?? 'idea',
    dueDate: item?.dueDate ?? '',
  };
}

/** The fields an item's update may carry, as the API takes them. */
function fieldsOf(draft: Draft) {
  return {
    title: draft.title,
    description: draft.description,
    characteristics: draft.characteristics,
    indicator: draft.indicator || null,
    ownerOrganisation: draft.ownerOrganisation,
    status: draft.status,
    dueDate: draft.dueDate || null,
  };
}

/** Only what changed: an edit of the title alone does not overwrite a colleague's new status. */
function changesOf(before: Draft, after: Draft): AgendaItemPatch {
  const [old, now] = [fieldsOf(before), fieldsOf(after)];
  return Object.fromEntries(
    (Object.keys(now) as Array<keyof typeof now>).filter((key) => JSON.stringify(old[key]) !== JSON.stringify(now[key])).map((key) => [key, now[key]]),
  ) as AgendaItemPatch;
}

type Props = {
  /** The item to change; without one the form adds a new item. */
  item?: AgendaItem;
  /** A new item's area, e.g. the wijk or buurt the agenda shows. */
  defaultArea?: string;
  onSaved: (item: AgendaItem) => void;
  onCancel?: () => void;
};

/** One form for adding an agenda item and for changing one: the same fields, checked with the server's schema. */
export function AgendaItemForm({ item, defaultArea = '', onSaved, onCancel }: Props) {
  const { t, label } = useI18n();
  const ta = t.agenda;
  const formId = useId();
  const editing = item !== undefined;
  const [draft, setDraft] = useState<Draft>(() => draftOf(item, defaultArea));
  const [problems, setProblems] = useState<Problems>([]);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }));
  const at = (path: string) => problemsAt(problems, path);
  const labels = {
    areaCode: ta.areaCode, title: ta.itemTitle, description: ta.description, characteristics: ta.characteristics,
    indicator: ta.indicator, ownerOrganisation: ta.ownerOrganisation, status: ta.status, dueDate: ta.dueDate,
  };

  /** After a failed try the focus goes to the list of problems, which is read out first. */
  const focusSummary = () => requestAnimationFrame(() => document.getElementById(`${formId}-summary`)?.focus());

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setMessage(null);
    const areaCode = draft.areaCode.trim().toUpperCase();
    const patch = item ? changesOf(draftOf(item, ''), draft) : null;
    if (patch && Object.keys(patch).length === 0) {
      setProblems([]);
      setMessage({ error: false, text: ta.nothingChanged });
      return;
    }
    const body = { areaCode, ...fieldsOf(draft) };
    const checked = patch ? AgendaItemUpdateSchema.safeParse(patch) : AgendaItemCreateSchema.safeParse(body);
    const found = checked.success ? [] : schemaProblems(checked.error, t).filter((problem) => problem.field !== 'body');
    // The schema takes a gemeente too; an action belongs to a wijk or a buurt.
    if (!patch && !AREA.test(areaCode) && !found.some((problem) => problem.field === 'body.areaCode')) found.unshift({ field: 'body.areaCode', message: ta.areaCodeExpected });
    setProblems(found);
    if (found.length > 0) {
      setMessage({ error: true, text: t.errors.checkFields });
      focusSummary();
      return;
    }
    setBusy(true);
    try {
      const saved = item && patch ? await updateAgendaItem(item.id, patch) : await createAgendaItem(body);
      setProblems([]);
      if (!editing) setDraft(draftOf(undefined, defaultArea));
      setMessage({ error: false, text: editing ? ta.saved : ta.added });
      onSaved(saved);
    } catch (err) {
      setProblems(problemsOf(err));
      setMessage({ error: true, text: generalMessage(err, t) });
      focusSummary();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="agenda-form" noValidate onSubmit={(event) => void submit(event)} data-testid={editing ? 'agenda-edit-form' : 'agenda-add-form'}>
      {message?.error ? <ErrorSummary id={`${formId}-summary`} message={message.text} problems={problems} labels={labels} /> : null}
      {editing ? null : (
        <Field label={ta.areaCode} problems={at('areaCode')}>
          {(props) => <input {...props} type="text" placeholder="WK054601" value={draft.areaCode} onChange={(event) => set({ areaCode: event.target.value })} />}
        </Field>
      )}
      <Field label={ta.itemTitle} problems={at('title')}>
        {(props) => <input {...props} type="text" maxLength={200} value={draft.title} onChange={(event) => set({ title: event.target.value })} />}
      </Field>
      <Field label={ta.description} problems={at('description')}>
        {(props) => <textarea {...props} rows={3} maxLength={5000} value={draft.description} onChange={(event) => set({ description: event.target.value })} />}
      </Field>
      <fieldset className={at('characteristics').length > 0 ? 'checks invalid' : 'checks'}>
        <legend>{ta.characteristics}</legend>
        {CHARACTERISTICS.map((c) => (
          <label key={c.code}>
            <input
              type="checkbox"
              checked={draft.characteristics.includes(c.code)}
              onChange={(event) => set({ characteristics: event.target.checked ? [...draft.characteristics, c.code] : draft.characteristics.filter((code) => code !== c.code) })}
            />
            {label(c.label)}
          </label>
        ))}
        <FieldProblems id={`${formId}-characteristics`} problems={at('characteristics')} />
      </fieldset>
      <Field label={ta.indicator} problems={at('indicator')}>
        {(props) => (
          <select {...props} value={draft.indicator} onChange={(event) => set({ indicator: event.target.value })}>
            <option value="">{ta.noIndicator}</option>
            {INDICATOR_GROUPS.map((group) => (
              <optgroup key={group.code} label={label(group.label)}>
                {INDICATORS.filter((indicator) => indicator.group === group.code).map((indicator) => <option key={indicator.code} value={indicator.code}>{label(indicator.label)}</option>)}
              </optgroup>
            ))}
            {/* An indicator the catalogue no longer has stays choosable, so an edit does not drop it unseen. */}
            {draft.indicator && !INDICATORS.some((indicator) => indicator.code === draft.indicator) ? <option value={draft.indicator}>{draft.indicator}</option> : null}
          </select>
        )}
      </Field>
      <Field label={ta.ownerOrganisation} problems={at('ownerOrganisation')}>
        {(props) => <input {...props} type="text" maxLength={200} value={draft.ownerOrganisation} onChange={(event) => set({ ownerOrganisation: event.target.value })} />}
      </Field>
      <div className="inline-fields">
        <Field label={ta.status} problems={at('status')}>
          {(props) => (
            <select {...props} value={draft.status} onChange={(event) => set({ status: event.target.value as Status })}>
              {AGENDA_STATUSES.map((s) => <option key={s.code} value={s.code}>{label(s.label)}</option>)}
            </select>
          )}
        </Field>
        <Field label={ta.dueDate} problems={at('dueDate')}>
          {(props) => <input {...props} type="date" value={draft.dueDate} onChange={(event) => set({ dueDate: event.target.value })} />}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{editing ? ta.saveChanges : ta.save}</button>
        {onCancel ? <button type="button" className="secondary" onClick={onCancel}>{ta.cancel}</button> : null}
      </div>
      {message && !message.error ? <p role="status" className="message">{message.text}</p> : null}
    </form>
  );
}
