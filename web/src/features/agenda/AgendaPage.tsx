import { useEffect, useRef, useState } from 'react';
import { AGENDA_STATUSES, AGENDA_STATUS_CODES, CHARACTERISTICS, type AgendaItem, type AgendaItemCreate } from '@kwartier/shared';
import { agendaParams, agendaSuggestions, createAgendaItem, listAgenda, type AgendaSuggestion } from '../../api/agenda.ts';
import { ErrorSummary, generalMessage } from '../../components/forms.tsx';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { useSession } from '../../state/session.tsx';
import { formatDate } from '../buurtscan/format.ts';

type Status = (typeof AGENDA_STATUS_CODES)[number];
type Props = { area: string | null; onChange: (area: string | null) => void };

const AREA = /^(GM\d{4}|WK\d{6}|BU\d{8})$/;

/** The sociale wijkagenda of an area: everyone reads it, keepers add to it. */
export function AgendaPage({ area, onChange }: Props) {
  const { t, label, language } = useI18n();
  const ta = t.agenda;
  const session = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const [input, setInput] = useState(area ?? '');
  const [status, setStatus] = useState<Status | ''>('');
  const [items, setItems] = useState<AgendaItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => setInput(area ?? ''), [area]);
  useEffect(() => {
    const controller = new AbortController();
    setItems(null);
    listAgenda(area, status || null, controller.signal).then(
      (result) => {
        setItems(result.items);
        setError(null);
      },
      (err: unknown) => (err as Error).name !== 'AbortError' && setError(generalMessage(err, t)),
    );
    return () => controller.abort();
  }, [area, status, version, t]);

  const statusLabel = (code: string) => {
    const found = AGENDA_STATUSES.find((candidate) => candidate.code === code);
    return found ? label(found.label) : code;
  };
  const characteristicLabel = (code: string) => {
    const found = CHARACTERISTICS.find((candidate) => candidate.code === code);
    return found ? label(found.label) : code;
  };
  const gemeente = area ? (area.startsWith('GM') ? area : `GM${area.slice(2, 6)}`) : null;
  const keeper = session.may('keepAgenda');

  return (
    <section className="page agenda" aria-labelledby="agenda-title">
      <h2 id="agenda-title" tabIndex={-1} ref={heading}>{ta.title}</h2>
      <p className="hint">{ta.intro}</p>
      <form
        className="inline-fields"
        onSubmit={(event) => {
          event.preventDefault();
          const value = input.trim().toUpperCase();
          if (value === '') onChange(null);
          else if (AREA.test(value)) onChange(value);
        }}
      >
        <label className="grow">
          <span>{ta.area}</span>
          <input type="text" value={input} placeholder="GM0546" onChange={(event) => setInput(event.target.value)} />
        </label>
        <label>
          <span>{ta.status}</span>
          <select value={status} onChange={(event) => setStatus(event.target.value as Status | '')}>
            <option value="">{ta.allStatuses}</option>
            {AGENDA_STATUSES.map((s) => <option key={s.code} value={s.code}>{label(s.label)}</option>)}
          </select>
        </label>
        <button type="submit">{ta.show}</button>
        <a href={`/api/agenda.csv?${agendaParams(area, status || null)}`} download>{ta.csv}</a>
      </form>
      <ErrorSummary message={error} />
      {items === null && !error ? <p className="message" role="status"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
      {items?.length === 0 ? <p className="hint">{ta.none}</p> : null}
      {items && items.length > 0 ? (
        <ul className="agenda-list" data-testid="agenda-items">
          {items.map((item) => (
            <li key={item.id} className="agenda-item">
              <h4>{item.title}</h4>
              <div className="meta">
                <span className="status-badge">{statusLabel(item.status)}</span>
                {item.areaName ?? item.areaCode}
                {item.ownerOrganisation ? ` · ${ta.owner}: ${item.ownerOrganisation}` : ''}
                {item.dueDate ? ` · ${ta.due} ${formatDate(item.dueDate, language)}` : ''}
              </div>
              {item.characteristics.length > 0 ? <div className="meta">{ta.characteristics}: {item.characteristics.map(characteristicLabel).join(', ')}</div> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {keeper ? (
        <>
          <AddItem defaultArea={area && !area.startsWith('GM') ? area : ''} onAdded={() => setVersion((n) => n + 1)} />
          <Suggestions gemeente={gemeente} onTaken={() => setVersion((n) => n + 1)} />
        </>
      ) : null}
    </section>
  );
}

function AddItem({ defaultArea, onAdded }: { defaultArea: string; onAdded: () => void }) {
  const { t, label } = useI18n();
  const ta = t.agenda;
  const empty = { areaCode: defaultArea, title: '', description: '', characteristics: [] as AgendaItemCreate['characteristics'], ownerOrganisation: '', status: 'idea' as Status, dueDate: '' };
  const [form, setForm] = useState(empty);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const set = (change: Partial<typeof form>) => setForm((current) => ({ ...current, ...change }));

  return (
    <section aria-labelledby="agenda-add">
      <h3 id="agenda-add">{ta.add}</h3>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          createAgendaItem({
            areaCode: form.areaCode.trim().toUpperCase(),
            title: form.title,
            description: form.description,
            characteristics: form.characteristics,
            ownerOrganisation: form.ownerOrganisation,
            status: form.status,
            dueDate: form.dueDate || null,
          }).then(
            () => {
              setMessage({ error: false, text: ta.added });
              setForm(empty);
              onAdded();
            },
            (err: unknown) => setMessage({ error: true, text: generalMessage(err, t) }),
          ).finally(() => setBusy(false));
        }}
      >
        <label className="field"><span>{ta.areaCode}</span><input type="text" required pattern="(BU|bu)[0-9]{8}|(WK|wk)[0-9]{6}" value={form.areaCode} onChange={(event) => set({ areaCode: event.target.value })} /></label>
        <label className="field"><span>{ta.itemTitle}</span><input type="text" required minLength={3} maxLength={200} value={form.title} onChange={(event) => set({ title: event.target.value })} /></label>
        <label className="field"><span>{ta.description}</span><textarea rows={3} maxLength={5000} value={form.description} onChange={(event) => set({ description: event.target.value })} /></label>
        <fieldset className="checks">
          <legend>{ta.characteristics}</legend>
          {CHARACTERISTICS.map((c) => (
            <label key={c.code}>
              <input
                type="checkbox"
                checked={form.characteristics.includes(c.code)}
                onChange={(event) => set({ characteristics: event.target.checked ? [...form.characteristics, c.code] : form.characteristics.filter((code) => code !== c.code) })}
              />
              {label(c.label)}
            </label>
          ))}
        </fieldset>
        <label className="field"><span>{ta.ownerOrganisation}</span><input type="text" maxLength={200} value={form.ownerOrganisation} onChange={(event) => set({ ownerOrganisation: event.target.value })} /></label>
        <div className="inline-fields">
          <label>
            <span>{ta.status}</span>
            <select value={form.status} onChange={(event) => set({ status: event.target.value as Status })}>
              {AGENDA_STATUSES.map((s) => <option key={s.code} value={s.code}>{label(s.label)}</option>)}
            </select>
          </label>
          <label><span>{ta.dueDate}</span><input type="date" value={form.dueDate} onChange={(event) => set({ dueDate: event.target.value })} /></label>
        </div>
        <div><button type="submit" disabled={busy}>{ta.save}</button></div>
        {message ? <p role={message.error ? 'alert' : 'status'} className={message.error ? 'message error' : 'message'}>{message.text}</p> : null}
      </form>
    </section>
  );
}

function Suggestions({ gemeente, onTaken }: { gemeente: string | null; onTaken: () => void }) {
  const { t } = useI18n();
  const ta = t.agenda;
  const [items, setItems] = useState<AgendaSuggestion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [taken, setTaken] = useState<Set<number>>(new Set());

  useEffect(() => {
    if (!gemeente) return;
    const controller = new AbortController();
    setItems(null);
    setTaken(new Set());
    agendaSuggestions(gemeente, controller.signal).then(
      (result) => {
        setItems(result.items);
        setError(null);
      },
      (err: unknown) => (err as Error).name !== 'AbortError' && setError(generalMessage(err, t)),
    );
    return () => controller.abort();
  }, [gemeente, t]);

  return (
    <section aria-labelledby="agenda-suggestions">
      <h3 id="agenda-suggestions">{ta.suggestions}</h3>
      {!gemeente ? <p className="hint">{ta.suggestionsNeedGemeente}</p> : null}
      <ErrorSummary message={error} />
      {gemeente && items === null && !error ? <p className="message" role="status"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
      {items?.length === 0 ? <p className="hint">{ta.noSuggestions}</p> : null}
      {items && items.length > 0 ? (
        <ul className="agenda-list" data-testid="agenda-suggestions">
          {items.map((suggestion, index) => (
            <li key={index} className="agenda-item suggestion">
              <div>
                <h4>{suggestion.title}</h4>
                <div className="meta">{suggestion.reason}</div>
              </div>
              <button
                type="button"
                disabled={taken.has(index)}
                onClick={() => {
                  // The reason explains the suggestion; it is not a field of an agenda item.
                  const { reason: _reason, ...item } = suggestion;
                  createAgendaItem(item).then(
                    () => {
                      setTaken((current) => new Set(current).add(index));
                      onTaken();
                    },
                    (err: unknown) => setError(generalMessage(err, t)),
                  );
                }}
              >{taken.has(index) ? ta.takenOver : ta.takeOver}</button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
