import { useCallback, useEffect, useRef, useState } from 'react';
import { IMPORT_FIELDS, type ImportMapping, type ImportReport, type ImportRun } from '@kwartier/shared';
import { dryRunImport, getImport, listImports, listMappings, startImport, type ImportRunWithReport } from '../../api/imports.ts';
import { ErrorSummary, generalMessage, problemsOf, type Problems } from '../../components/forms.tsx';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { useSession } from '../../state/session.tsx';
import { formatDate } from '../buurtscan/format.ts';
import { readColumns, type FileColumns } from './fileColumns.ts';
import { MappingEditor } from './MappingEditor.tsx';

const POLL_MS = 500;
/** The report can hold a problem for every row of a large file; the page shows the first ones. */
const SHOWN_PROBLEMS = 200;
const SHOWN_ACTIONS = 50;

/** What a dry run was of: a report holds only for the file and mapping it checked. */
const keyOf = (file: File, mapping: string) => `${mapping}|${file.name}|${file.size}|${file.lastModified}`;

/** Imports of existing lists (a sociale kaart, DUO's schools) through a mapping: moderators and admins. */
export function ImportPage() {
  const { t, label, language } = useI18n();
  const ti = t.imports;
  const { user, may } = useSession();
  const allowed = may('moderate');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const [file, setFile] = useState<File | null>(null);
  const [columns, setColumns] = useState<FileColumns | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [mappings, setMappings] = useState<ImportMapping[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [editing, setEditing] = useState<{ mapping: ImportMapping | null; key: number } | null>(null);
  const [report, setReport] = useState<{ key: string; report: ImportReport } | null>(null);
  const [checking, setChecking] = useState(false);
  const [failure, setFailure] = useState<{ message: string; problems: Problems } | null>(null);
  const [archive, setArchive] = useState(false);
  const [run, setRun] = useState<ImportRunWithReport | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [history, setHistory] = useState<ImportRun[] | null>(null);
  const [historyError, setHistoryError] = useState<string | null>(null);

  const loadHistory = useCallback((signal?: AbortSignal) => {
    listImports(signal).then(
      (runs) => {
        setHistory(runs);
        setHistoryError(null);
      },
      (err: unknown) => {
        if ((err as Error).name !== 'AbortError') setHistoryError(generalMessage(err, t));
      },
    );
  }, [t]);

  useEffect(() => {
    if (!allowed) return;
    const controller = new AbortController();
    listMappings(controller.signal).then(setMappings, (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setFailure({ message: generalMessage(err, t), problems: [] });
    });
    loadHistory(controller.signal);
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [allowed]);

  // A running import is followed every half second until it is committed or failed.
  useEffect(() => {
    if (!runId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();
    const poll = () => {
      getImport(runId, controller.signal).then(
        (answer) => {
          if (stopped) return;
          setRun(answer);
          if (answer.status === 'running') timer = setTimeout(poll, POLL_MS);
          else loadHistory();
        },
        (err: unknown) => {
          if (stopped || (err as Error).name === 'AbortError') return;
          setFailure({ message: generalMessage(err, t), problems: [] });
          timer = setTimeout(poll, POLL_MS * 4);
        },
      );
    };
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller.abort();
    };
  }, [runId, loadHistory, t]);

  if (user === undefined) return <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p>;
  if (!allowed) {
    return (
      <section className="page" aria-labelledby="import-title">
        <h2 id="import-title" tabIndex={-1} ref={heading}>{ti.title}</h2>
        <p className="message error" role="alert">{ti.notAllowed}</p>
      </section>
    );
  }

  const mapping = mappings?.find((each) => each.name === chosen) ?? null;
  const currentReport = file && mapping && report?.key === keyOf(file, mapping.name) ? report.report : null;
  const errors = currentReport?.problems.filter((problem) => problem.severity === 'error') ?? [];
  const running = run !== null && run.status === 'running';
  const fieldName = (code: string) => {
    const field = IMPORT_FIELDS.find((each) => each.code === code);
    return field ? `${label(field.label)} (${code})` : code;
  };

  const chooseFile = async (chosenFile: File | null) => {
    setFile(chosenFile);
    setColumns(null);
    setFileError(null);
    setFailure(null);
    setRun(null);
    setRunId(null);
    if (!chosenFile) return;
    try {
      setColumns(await readColumns(chosenFile));
    } catch {
      setFileError(ti.unreadable);
    }
  };

  const dryRun = async () => {
    if (!file || !mapping) return;
    setChecking(true);
    setFailure(null);
    setRun(null);
    setRunId(null);
    try {
      setReport({ key: keyOf(file, mapping.name), report: await dryRunImport(mapping.name, file) });
    } catch (err) {
      setFailure({ message: generalMessage(err, t), problems: problemsOf(err) });
    } finally {
      setChecking(false);
    }
  };

  const commit = async () => {
    if (!file || !mapping) return;
    setFailure(null);
    setRun(null);
    try {
      setRunId(await startImport(mapping.name, file, archive));
    } catch (err) {
      setFailure({ message: generalMessage(err, t), problems: problemsOf(err) });
    }
  };

  const counts = (value: ImportReport['counts']) => ti.counts(value.create, value.update, value.unchanged, value.refused, value.kept);

  return (
    <section className="page import" aria-labelledby="import-title">
      <h2 id="import-title" tabIndex={-1} ref={heading}>{ti.title}</h2>
      <p className="hint">{ti.intro}</p>

      <section aria-labelledby="import-file">
        <h3 id="import-file">{ti.stepFile}</h3>
        <label className="stacked">
          <span>{ti.file}</span>
          <input type="file" accept=".csv,.txt,.geojson,.json,text/csv,application/geo+json,application/json" onChange={(event) => void chooseFile(event.target.files?.[0] ?? null)} />
        </label>
        {fileError ? <p className="message error" role="alert">{fileError}</p> : null}
        {file && columns ? (
          <p className="hint" data-testid="import-columns">
            {ti.columnsFound(columns.format === 'csv' ? 'CSV' : 'GeoJSON', columns.columns.length)}{' '}
            {columns.columns.length > 0 ? <span className="columns">{columns.columns.join(' · ')}</span> : null}
          </p>
        ) : null}
      </section>

      <section aria-labelledby="import-mapping">
        <h3 id="import-mapping">{ti.stepMapping}</h3>
        {mappings === null ? <p className="hint"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : (
          <div className="inline-fields">
            <label>
              <span>{ti.savedMapping}</span>
              <select value={chosen} onChange={(event) => { setChosen(event.target.value); setEditing(null); }}>
                <option value="">{ti.chooseMapping}</option>
                {mappings.map((each) => <option key={each.name} value={each.name}>{each.name} ({each.format === 'csv' ? 'CSV' : 'GeoJSON'})</option>)}
              </select>
            </label>
            <button type="button" className="secondary" onClick={() => setEditing({ mapping: null, key: Date.now() })}>{ti.newMapping}</button>
            {mapping ? <button type="button" className="secondary" onClick={() => setEditing({ mapping, key: Date.now() })}>{ti.edit}</button> : null}
          </div>
        )}
        {mapping && !editing ? (
          <p className="hint" data-testid="mapping-summary">
            {mapping.description ? `${mapping.description} · ` : ''}{ti.mappingFacts(mapping.source, mapping.status === 'published' ? ti.statusPublished : ti.statusPending)}
            {columns && mapping.format !== columns.format ? <strong className="error-text"> {ti.formatDiffers}</strong> : null}
          </p>
        ) : null}
        {editing ? (
          <MappingEditor
            key={editing.key}
            mapping={editing.mapping}
            format={columns?.format ?? editing.mapping?.format ?? 'csv'}
            columns={columns?.columns ?? []}
            onCancel={() => setEditing(null)}
            onSaved={(saved) => {
              setMappings((list) => [...(list ?? []).filter((each) => each.name !== saved.name), saved].sort((a, b) => a.name.localeCompare(b.name)));
              setChosen(saved.name);
              setEditing(null);
              setReport(null);
            }}
          />
        ) : null}
      </section>

      <section aria-labelledby="import-check">
        <h3 id="import-check">{ti.stepCheck}</h3>
        {!file || !mapping ? <p className="hint">{ti.needFileAndMapping}</p> : null}
        <button type="button" className="primary" disabled={!file || !mapping || checking || running || editing !== null} onClick={() => void dryRun()}>
          {checking ? <><span className="spinner" aria-hidden="true" /> {ti.checking}</> : ti.dryRun}
        </button>
        {failure ? <ErrorSummary message={failure.message} problems={failure.problems} /> : null}
        {currentReport ? (
          <div className="import-report" data-testid="import-report" role="status">
            <p>
              <strong>{ti.reportRows(currentReport.rows)}</strong> {counts(currentReport.counts)}
            </p>
            <p className={errors.length > 0 ? 'message error' : 'message success'} data-testid="import-verdict">
              {errors.length > 0 ? ti.hasErrors(errors.length) : ti.noErrors(currentReport.problems.length)}
            </p>
            {currentReport.problems.length > 0 ? (
              <table className="data-table problems" data-testid="import-problems">
                <caption>{ti.problems}</caption>
                <thead><tr><th scope="col" className="num">{ti.row}</th><th scope="col">{ti.field}</th><th scope="col">{ti.message}</th></tr></thead>
                <tbody>
                  {currentReport.problems.slice(0, SHOWN_PROBLEMS).map((problem, index) => (
                    <tr key={index} className={problem.severity}>
                      <td className="num">{problem.row ?? '–'}</td>
                      <td>{fieldName(problem.field)}</td>
                      <td><span className={`severity ${problem.severity}`}>{problem.severity === 'error' ? ti.error : ti.warning}</span> {problem.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {currentReport.problems.length > SHOWN_PROBLEMS ? <p className="hint">{ti.moreProblems(currentReport.problems.length - SHOWN_PROBLEMS)}</p> : null}
            {currentReport.actions.length > 0 ? (
              <details>
                <summary>{ti.actionsTitle(Math.min(SHOWN_ACTIONS, currentReport.actions.length))}</summary>
                <table className="data-table">
                  <thead><tr><th scope="col" className="num">{ti.row}</th><th scope="col">{ti.sourceIdShort}</th><th scope="col">{ti.name}</th><th scope="col">{ti.action}</th></tr></thead>
                  <tbody>
                    {currentReport.actions.slice(0, SHOWN_ACTIONS).map((action) => (
                      <tr key={action.row} className={action.action === 'refused' ? 'error' : undefined}>
                        <td className="num">{action.row}</td>
                        <td>{action.sourceId ?? '–'}</td>
                        <td>{action.name ?? '–'}</td>
                        <td>{ti.actions[action.action]}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            ) : null}
            <h4>{ti.disappeared}</h4>
            {currentReport.disappeared.length === 0 ? <p className="hint">{ti.noneDisappeared}</p> : (
              <>
                <p className="hint">{ti.disappearedIntro(currentReport.disappeared.length)}</p>
                <ul className="disappeared" data-testid="import-disappeared">
                  {currentReport.disappeared.slice(0, SHOWN_ACTIONS).map((record) => <li key={record.id}>{record.name} <span className="hint">({record.sourceId}, {record.status})</span></li>)}
                </ul>
              </>
            )}
          </div>
        ) : null}
      </section>

      <section aria-labelledby="import-commit">
        <h3 id="import-commit">{ti.stepImport}</h3>
        {currentReport && errors.length > 0 ? <p className="hint">{ti.fixFirst}</p> : null}
        {!currentReport ? <p className="hint">{ti.dryRunFirst}</p> : null}
        <label className="check">
          <input type="checkbox" checked={archive} onChange={(event) => setArchive(event.target.checked)} disabled={running} />
          {ti.archiveDisappeared}
        </label>
        <button type="button" className="primary" disabled={!currentReport || errors.length > 0 || running || runId !== null} onClick={() => void commit()}>{ti.import}</button>
        {run ? (
          <div className="import-progress" data-testid="import-progress">
            {run.status === 'running' ? (
              <>
                <label className="stacked">
                  <span>{ti.running(run.progress?.done ?? 0, run.progress?.total ?? run.rows)}</span>
                  <progress max={Math.max(1, run.progress?.total ?? run.rows)} value={run.progress?.done ?? 0} />
                </label>
              </>
            ) : run.status === 'committed' ? (
              <>
                <progress max={Math.max(1, run.progress?.total ?? run.rows)} value={Math.max(1, run.progress?.total ?? run.rows)} aria-label={ti.done} />
                <p className="message success" role="status" data-testid="import-outcome">
                  {ti.committed} {run.counts ? counts(run.counts) : ''}{run.archived > 0 ? ` ${ti.archived(run.archived)}` : ''}
                </p>
              </>
            ) : (
              <p className="message error" role="alert" data-testid="import-outcome">{ti.failed}{run.error ? `: ${run.error}` : ''}</p>
            )}
          </div>
        ) : runId ? <p className="hint"><span className="spinner" aria-hidden="true" /> {ti.starting}</p> : null}
      </section>

      <section aria-labelledby="import-history">
        <h3 id="import-history">{ti.history}</h3>
        {historyError ? <p className="message error" role="alert">{historyError}</p> : null}
        {history === null ? null : history.length === 0 ? <p className="hint">{ti.noHistory}</p> : (
          <table className="data-table" data-testid="import-history">
            <thead>
              <tr><th scope="col">{ti.when}</th><th scope="col">{ti.who}</th><th scope="col">{ti.mapping}</th><th scope="col">{ti.fileName}</th><th scope="col">{ti.status}</th><th scope="col">{ti.result}</th></tr>
            </thead>
            <tbody>
              {history.map((each) => (
                <tr key={each.id}>
                  <td>{formatDate(each.startedAt, language)} {new Date(each.startedAt).toLocaleTimeString(language === 'nl' ? 'nl-NL' : 'en-GB', { hour: '2-digit', minute: '2-digit' })}</td>
                  <td>{each.actorName ?? '–'}</td>
                  <td>{each.mapping}</td>
                  <td>{each.fileName ?? '–'}</td>
                  <td><span className={`run-status run-${each.status}`}>{ti.runStatus[each.status]}</span></td>
                  <td>{each.counts ? counts(each.counts) : each.error ?? '–'}{each.archived > 0 ? ` ${ti.archived(each.archived)}` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
