import { useEffect, useRef, useState } from 'react';
import { AGENDA_STATUSES, AGENDA_STATUS_CODES, CHARACTERISTICS, indicatorByCode, type AgendaItem } from '@kwartier/shared';
import { agendaParams, agendaSuggestions, createAgendaItem, listAgenda, updateAgendaItem, type AgendaSuggestion } from '../../api/agenda.ts';
import { ErrorSummary, fieldMessage, generalMessage, problemsOf } from '../../components/forms.tsx';
import { AgendaItemForm } from './AgendaItemForm.tsx';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { useSession } from '../../state/session.tsx';
import { formatDate } from '../buurtscan/format.ts';

type Status = (typeof AGENDA_STATUS_CODES)[number];
type Props = { area: string | null; onChange: (area: string | null) => void };

const AREA = /^(GM\d{4}|WK\d{6}|BU\d{8})$/;

/** The sociale wijkagenda of an area: everyone reads it, keepers add to it. */
export function AgendaPage({ area, onChange }: Props) {
  const { t, label } = useI18n();
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
            <AgendaEntry
              key={item.id}
              item={item}
              keeper={keeper}
              onSaved={(saved) => setItems((current) => current?.map((candidate) => (candidate.id === saved.id ? saved : candidate)) ?? null)}
            />
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
  const { t } = useI18n();
  return (
    <section aria-labelledby="agenda-add">
      <h3 id="agenda-add">{t.agenda.add}</h3>
      <AgendaItemForm key={defaultArea} defaultArea={defaultArea} onSaved={onAdded} />
    </section>
  );
}

/** One item on the agenda; keepers change its status in place or open it for editing. */
function AgendaEntry({ item, keeper, onSaved }: { item: AgendaItem; keeper: boolean; onSaved: (item: AgendaItem) => void }) {
  const { t, label, language } = useI18n();
  const ta = t.agenda;
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const statusLabel = (code: string) => {
    const found = AGENDA_STATUSES.find((candidate) => candidate.code === code);
    return found ? label(found.label) : code;
  };
  const characteristicLabel = (code: string) => {
    const found = CHARACTERISTICS.find((candidate) => candidate.code === code);
    return found ? label(found.label) : code;
  };
  const indicator = item.indicator ? indicatorByCode(item.indicator) : undefined;
  const closeForm = () => {
    setEditing(false);
    requestAnimationFrame(() => editButton.current?.focus());
  };

  if (editing) {
    return (
      <li className="agenda-item editing" data-testid="agenda-item">
        <h4>{ta.editing(item.title)}</h4>
        <AgendaItemForm
          item={item}
          onSaved={(saved) => {
            onSaved(saved);
            setMessage({ error: false, text: ta.saved });
            closeForm();
          }}
          onCancel={closeForm}
        />
      </li>
    );
  }

  const changeStatus = (status: Status) => {
    setBusy(true);
    setMessage(null);
    updateAgendaItem(item.id, { status }).then(
      (saved) => {
        onSaved(saved);
        setMessage({ error: false, text: ta.statusSaved(saved.title, statusLabel(saved.status)) });
      },
      (err: unknown) => {
        const field = problemsOf(err).find((problem) => problem.field === 'body.status');
        setMessage({ error: true, text: field ? `${ta.status}: ${fieldMessage(field.message, t)}` : generalMessage(err, t) });
      },
    ).finally(() => setBusy(false));
  };

  return (
    <li className="agenda-item" data-testid="agenda-item">
      <div className="agenda-item-head">
        <h4>{item.title}</h4>
        {keeper ? (
          <button type="button" className="link" ref={editButton} aria-label={ta.editOf(item.title)} onClick={() => { setMessage(null); setEditing(true); }}>{ta.edit}</button>
        ) : null}
      </div>
      <div className="meta">
        {keeper ? (
          <label className="status-quick">
            <span className="visually-hidden">{ta.statusOf(item.title)}</span>
            <select value={item.status} disabled={busy} onChange={(event) => changeStatus(event.target.value as Status)}>
              {AGENDA_STATUSES.map((s) => <option key={s.code} value={s.code}>{label(s.label)}</option>)}
            </select>
          </label>
        ) : <span className="status-badge" data-testid="agenda-status">{statusLabel(item.status)}</span>}
        {item.areaName ?? item.areaCode}
        {item.ownerOrganisation ? ` · ${ta.owner}: ${item.ownerOrganisation}` : ''}
        {item.dueDate ? ` · ${ta.due} ${formatDate(item.dueDate, language)}` : ''}
      </div>
      {item.description ? <p className="agenda-description">{item.description}</p> : null}
      {item.characteristics.length > 0 ? <div className="meta">{ta.characteristics}: {item.characteristics.map(characteristicLabel).join(', ')}</div> : null}
      {item.indicator ? <div className="meta">{ta.indicator}: {indicator ? label(indicator.label) : item.indicator}</div> : null}
      {message ? <p role={message.error ? 'alert' : 'status'} className={message.error ? 'message error' : 'message'}>{message.text}</p> : null}
    </li>
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
