import { Fragment, useEffect, useRef, useState } from 'react';
import { CONTEXT_FIELDS, DRAAGKRACHT_PARTS, DRAAGLAST_PARTS, SCORE_METHOD, type AreaSummary, type Scores, type ScorePart, type ScoreWeights } from '@kwartier/shared';
import { getAreaContext, getScores, getWeights, listGemeenten, putAreaContext, putWeights, type AreaContext } from '../../api/buurtscan.ts';
import { ErrorSummary, generalMessage } from '../../components/forms.tsx';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { useSession } from '../../state/session.tsx';
import { formatCount, formatDate } from '../buurtscan/format.ts';

const LEIDEN = 'GM0546';
type Props = { gemeente: string | null; onChange: (gemeente: string) => void };
type Buurt = Scores['buurten'][number];

const number = (value: number | null, digits: number, language: string) =>
  value === null ? '–' : new Intl.NumberFormat(language === 'nl' ? 'nl-NL' : 'en-GB', { maximumFractionDigits: digits }).format(value);

/** Spreidingsbeleid: draagkracht and draaglast per buurt, for analysts only (the server checks too). */
export function SpreidingPage({ gemeente, onChange }: Props) {
  const { t } = useI18n();
  const session = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const allowed = session.may('analyse');
  return (
    <section className="page spreiding" aria-labelledby="spreiding-title">
      <h2 id="spreiding-title" tabIndex={-1} ref={heading}>{t.spreiding.title}</h2>
      {allowed ? <Analysis gemeente={gemeente} onChange={onChange} /> : <p data-testid="spreiding-not-allowed">{t.spreiding.notAllowed}</p>}
    </section>
  );
}

function Analysis({ gemeente, onChange }: Props) {
  const { t, language, label } = useI18n();
  const ts = t.spreiding;
  const [gemeenten, setGemeenten] = useState<AreaSummary[]>([]);
  const [scores, setScores] = useState<Scores | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [descending, setDescending] = useState(false);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    listGemeenten(controller.signal).then((list) => setGemeenten([...list.items].sort((a, b) => a.name.localeCompare(b.name, 'nl'))), () => undefined);
    return () => controller.abort();
  }, []);
  useEffect(() => {
    if (!gemeente) onChange(LEIDEN);
  }, [gemeente, onChange]);
  useEffect(() => {
    if (!gemeente) return;
    const controller = new AbortController();
    getScores(gemeente, controller.signal).then(
      (result) => {
        setScores(result);
        setError(null);
      },
      (err: unknown) => (err as Error).name !== 'AbortError' && setError(generalMessage(err, t)),
    );
    return () => controller.abort();
  }, [gemeente, version, t]);

  const rows = scores && scores.gemeente === gemeente
    ? [...scores.buurten].sort((a, b) => {
        // Buurten without a balance go last either way.
        if (a.balance === null || b.balance === null) return a.balance === null ? (b.balance === null ? 0 : 1) : -1;
        return descending ? b.balance - a.balance : a.balance - b.balance;
      })
    : null;
  const score = (value: number | null) => number(value, 1, language);

  return (
    <>
      <p className="hint">{ts.intro}</p>
      <label className="field">
        <span>{ts.gemeente}</span>
        <select value={gemeente ?? ''} onChange={(event) => onChange(event.target.value)}>
          {gemeenten.length === 0 && gemeente ? <option value={gemeente}>{gemeente}</option> : null}
          {gemeenten.map((g) => <option key={g.code} value={g.code}>{g.name}</option>)}
        </select>
      </label>
      <ErrorSummary message={error} />
      {!rows && !error ? <p className="message" role="status"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
      {rows ? (
        <>
          <p className="hint">{ts.year(scores!.year)}</p>
          <table className="data-table" data-testid="spreiding-table">
            <thead>
              <tr>
                <th scope="col">{ts.buurt}</th>
                <th scope="col" className="num">{ts.draagkracht}</th>
                <th scope="col" className="num">{ts.draaglast}</th>
                <th scope="col" className="num" aria-sort={descending ? 'descending' : 'ascending'}>
                  <button type="button" title={ts.sortBy(ts.balance)} onClick={() => setDescending((d) => !d)}>{ts.balance} {descending ? '▼' : '▲'}</button>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((buurt) => (
                <Fragment key={buurt.code}>
                  <tr className={open === buurt.code ? 'expanded' : undefined}>
                    <td>
                      <button type="button" className="link" aria-expanded={open === buurt.code} onClick={() => setOpen(open === buurt.code ? null : buurt.code)}>{buurt.name}</button>
                    </td>
                    <td className="num">{score(buurt.draagkracht.score)}</td>
                    <td className="num">{score(buurt.draaglast.score)}</td>
                    <td className="num">{score(buurt.balance)}</td>
                  </tr>
                  {open === buurt.code ? (
                    <tr className="expanded">
                      <td colSpan={4}>
                        <BuurtDetail buurt={buurt} onSaved={() => setVersion((n) => n + 1)} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
          <h3>{ts.method}</h3>
          <p className="method">{label(SCORE_METHOD)}</p>
          <WeightsEditor onSaved={() => setVersion((n) => n + 1)} />
        </>
      ) : null}
    </>
  );
}

function PartsTable({ title, parts, result }: { title: string; parts: readonly ScorePart[]; result: Buurt['draagkracht'] }) {
  const { t, language, label } = useI18n();
  const ts = t.spreiding;
  return (
    <table className="data-table parts">
      <caption>{title}: {number(result.score, 1, language)}</caption>
      <thead><tr><th scope="col">{ts.part}</th><th scope="col" className="num">{ts.raw}</th><th scope="col" className="num">{ts.scaled}</th><th scope="col" className="num">{ts.weight}</th><th scope="col" className="num">{ts.contribution}</th></tr></thead>
      <tbody>
        {result.parts.map((part) => {
          const definition = parts.find((candidate) => candidate.code === part.code);
          return (
            <tr key={part.code}>
              <td>{definition ? label(definition.label) : part.code}</td>
              <td className="num">{number(part.raw, 2, language)}</td>
              <td className="num">{number(part.scaled, 2, language)}</td>
              <td className="num">{number(part.weight, 1, language)}</td>
              <td className="num">{number(part.contribution, 1, language)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function BuurtDetail({ buurt, onSaved }: { buurt: Buurt; onSaved: () => void }) {
  const { t, language, label } = useI18n();
  const ts = t.spreiding;
  const [context, setContext] = useState<AreaContext | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const show = (loaded: AreaContext) => {
    setContext(loaded);
    setValues(Object.fromEntries(CONTEXT_FIELDS.map((field) => [field.code, loaded.values[field.code] == null ? '' : String(loaded.values[field.code])])));
  };
  useEffect(() => {
    const controller = new AbortController();
    getAreaContext(buurt.code, controller.signal).then(show, (err: unknown) => (err as Error).name !== 'AbortError' && setMessage({ error: true, text: generalMessage(err, t) }));
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [buurt.code]);

  const fieldLabel = (code: string) => {
    const field = CONTEXT_FIELDS.find((candidate) => candidate.code === code);
    return field ? label(field.label) : code;
  };

  return (
    <div data-testid="spreiding-detail">
      <p className="hint">{buurt.code}{buurt.inhabitants !== null ? ` · ${formatCount(buurt.inhabitants, language)} ${t.buurtscan.inhabitants.toLowerCase()}` : ''}</p>
      <PartsTable title={ts.draagkracht} parts={DRAAGKRACHT_PARTS} result={buurt.draagkracht} />
      <PartsTable title={ts.draaglast} parts={DRAAGLAST_PARTS} result={buurt.draaglast} />
      <h4>{ts.figures}</h4>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!context) return;
          // Only the figures that changed are sent; an emptied field clears the figure.
          const changed = Object.fromEntries(
            CONTEXT_FIELDS.flatMap((field) => {
              const text = (values[field.code] ?? '').trim().replace(',', '.');
              const value = text === '' ? null : Number(text);
              return value === (context.values[field.code] ?? null) ? [] : [[field.code, value]];
            }),
          );
          if (Object.keys(changed).length === 0) return;
          setBusy(true);
          putAreaContext(buurt.code, { values: changed, ...(note.trim() ? { note: note.trim() } : {}) }).then(
            (saved) => {
              show(saved);
              setNote('');
              setMessage({ error: false, text: ts.saved });
              onSaved();
            },
            (err: unknown) => setMessage({ error: true, text: generalMessage(err, t) }),
          ).finally(() => setBusy(false));
        }}
      >
        {CONTEXT_FIELDS.map((field) => (
          <label key={field.code} className="field">
            <span>{label(field.label)}</span>
            <input type="number" min={0} max={field.max} step={field.people ? 1 : 0.5} className="short" value={values[field.code] ?? ''} onChange={(event) => setValues({ ...values, [field.code]: event.target.value })} />
            <span className="hint">{label(field.description)}</span>
          </label>
        ))}
        <label className="field"><span>{ts.note}</span><input type="text" maxLength={1000} value={note} onChange={(event) => setNote(event.target.value)} /></label>
        <div><button type="submit" disabled={busy || !context}>{ts.save}</button></div>
        {message ? <p role={message.error ? 'alert' : 'status'} className={message.error ? 'message error' : 'message'}>{message.text}</p> : null}
      </form>
      <h4>{ts.history}</h4>
      {context && context.history.length === 0 ? <p className="hint">{ts.noHistory}</p> : null}
      <ul className="hint">
        {context?.history.map((entry, index) => (
          <li key={index}>{ts.change(fieldLabel(entry.field), number(entry.from, 2, language), number(entry.to, 2, language), entry.actorName ?? '–', formatDate(entry.at, language))}{entry.note ? ` — ${entry.note}` : ''}</li>
        ))}
      </ul>
    </div>
  );
}

function WeightsEditor({ onSaved }: { onSaved: () => void }) {
  const { t, label } = useI18n();
  const ts = t.spreiding;
  const [weights, setWeights] = useState<ScoreWeights | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    getWeights(controller.signal).then(setWeights, (err: unknown) => (err as Error).name !== 'AbortError' && setMessage({ error: true, text: generalMessage(err, t) }));
    return () => controller.abort();
  }, [t]);

  const groups = [['draagkracht', DRAAGKRACHT_PARTS, ts.draagkracht], ['draaglast', DRAAGLAST_PARTS, ts.draaglast]] as const;
  return (
    <section aria-labelledby="spreiding-weights">
      <h3 id="spreiding-weights">{ts.weights}</h3>
      {weights ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setBusy(true);
            putWeights(weights).then(
              (saved) => {
                setWeights(saved);
                setMessage({ error: false, text: ts.weightsSaved });
                onSaved();
              },
              (err: unknown) => setMessage({ error: true, text: generalMessage(err, t) }),
            ).finally(() => setBusy(false));
          }}
        >
          {groups.map(([score, parts, title]) => (
            <fieldset key={score}>
              <legend>{title}</legend>
              {parts.map((part) => (
                <label key={part.code} className="field">
                  <span>{label(part.label)}</span>
                  <input
                    type="number"
                    className="short"
                    min={0}
                    max={100}
                    step={0.5}
                    required
                    value={weights[score][part.code] ?? part.weight}
                    onChange={(event) => setWeights({ ...weights, [score]: { ...weights[score], [part.code]: Number(event.target.value) } })}
                  />
                </label>
              ))}
            </fieldset>
          ))}
          <div><button type="submit" disabled={busy}>{ts.saveWeights}</button></div>
        </form>
      ) : null}
      {message ? <p role={message.error ? 'alert' : 'status'} className={message.error ? 'message error' : 'message'}>{message.text}</p> : null}
    </section>
  );
}
