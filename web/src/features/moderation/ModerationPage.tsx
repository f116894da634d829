import { useEffect, useId, useRef, useState } from 'react';
import {
  ASSET_KINDS,
  ASSET_STATUSES,
  CATEGORIES,
  CHARACTERISTICS,
  INCLUSION_FEATURES,
  LOCATION_PRECISIONS,
  MODERATION_DECISIONS,
  QUEUE_STATUSES,
  REPORT_REASONS,
  SOCIAL_CAPITAL_TYPES,
  TARGET_GROUPS,
  type AssetStatus,
  type Label,
  type ManagedAsset,
} from '@kwartier/shared';
import { gemeenten, moderate, moderationQueue, openReports, type ModerationDecision, type QueueFilter, type Report } from '../../api/contributions.ts';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { useSession } from '../../state/session.tsx';
import { ErrorSummary, generalMessage } from '../../components/forms.tsx';
import { ScheduleText } from '../../components/ScheduleText.tsx';
import { VersionHistory } from '../../components/VersionHistory.tsx';
import { KindSwatch } from '../search/Filters.tsx';
import type { Point } from '../contribute/assetForm.ts';

/** From which statuses each decision may be taken, by the path the client posts to: the server's rule (shared). */
const ALLOWED = Object.fromEntries(
  Object.values(MODERATION_DECISIONS).map((rule): [ModerationDecision, readonly AssetStatus[]] => [rule.path, rule.from]),
) as Record<ModerationDecision, readonly AssetStatus[]>;
const NEEDS_MESSAGE = new Set(Object.values(MODERATION_DECISIONS).filter((rule) => rule.needsMessage).map((rule) => rule.path as ModerationDecision));
const FILTER_STATUSES = ASSET_STATUSES.filter((status) => status.code !== 'draft');

function labelsOf(codes: readonly string[], terms: ReadonlyArray<{ code: string; label: Label }>, label: (l: Label) => string): string {
  return codes.map((code) => terms.find((term) => term.code === code)).filter((term) => term !== undefined).map((term) => label(term.label)).join(', ');
}

/** The queue: entries waiting for a moderator, each opened whole, with the decisions to take. */
export function ModerationPage({ onShowPlace, onSignIn, onEdit }: { onShowPlace: (place: Point) => void; onSignIn: () => void; onEdit: (id: string) => void }) {
  const { t, label, language } = useI18n();
  const { user, may } = useSession();
  const [filter, setFilter] = useState<QueueFilter>({ status: [...QUEUE_STATUSES], kind: '', area: '', q: '', reported: false });
  const [municipalities, setMunicipalities] = useState<Array<{ code: string; name: string }>>([]);
  const [items, setItems] = useState<ManagedAsset[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const statusRef = useRef<HTMLParagraphElement>(null);
  const allowed = may('moderate');

  useEffect(() => {
    heading.current?.focus();
    const controller = new AbortController();
    gemeenten(controller.signal).then((list) => setMunicipalities(list.items), () => setMunicipalities([]));
    return () => controller.abort();
  }, []);

  const [reload, setReload] = useState(0);
  const filterKey = JSON.stringify([filter, reload]);
  useEffect(() => {
    if (!allowed) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      moderationQueue(filter, controller.signal).then(
        (page) => {
          setItems(page.items);
          setTotal(page.total);
          setError(null);
        },
        (err: unknown) => {
          if ((err as Error).name !== 'AbortError') setError(generalMessage(err, t));
        },
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filterKey, allowed]);

  if (user === undefined) return <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p>;
  if (!allowed) {
    return (
      <section className="page" aria-labelledby="moderation-title">
        <h2 id="moderation-title" tabIndex={-1} ref={heading}>{t.account.moderation}</h2>
        <p>{user ? t.moderation.notAllowed : t.moderation.signInFirst}</p>
        {!user ? <button type="button" className="primary" onClick={onSignIn}>{t.account.signIn}</button> : null}
      </section>
    );
  }

  const decided = (asset: ManagedAsset, decision: ModerationDecision) => {
    // Asked again: the entry may still belong in the list (a change requested, with that status ticked).
    setReload((n) => n + 1);
    setOpen(null);
    setStatus(t.moderation.done[decision](asset.name));
    requestAnimationFrame(() => statusRef.current?.focus());
  };

  const date = new Intl.DateTimeFormat(language === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'medium' });
  const toggleStatus = (code: AssetStatus) =>
    setFilter((current) => ({ ...current, status: current.status.includes(code) ? current.status.filter((s) => s !== code) : [...current.status, code] }));

  return (
    <section className="page moderation" aria-labelledby="moderation-title">
      <h2 id="moderation-title" tabIndex={-1} ref={heading}>{t.account.moderation}</h2>
      <form className="queue-filters" onSubmit={(event) => event.preventDefault()} role="search" aria-label={t.moderation.filters}>
        <fieldset className="checks-inline">
          <legend>{t.moderation.status}</legend>
          {FILTER_STATUSES.map((s) => (
            <label key={s.code} className="check">
              <input type="checkbox" checked={filter.status.includes(s.code)} onChange={() => toggleStatus(s.code)} />
              <span>{label(s.label)}</span>
            </label>
          ))}
        </fieldset>
        <div className="inline-fields">
          <label>
            <span>{t.kind}</span>
            <select value={filter.kind} onChange={(event) => setFilter({ ...filter, kind: event.target.value })}>
              <option value="">{t.moderation.allKinds}</option>
              {ASSET_KINDS.map((kind) => <option key={kind.code} value={kind.code}>{label(kind.label)}</option>)}
            </select>
          </label>
          <label>
            <span>{t.moderation.gemeente}</span>
            <select value={filter.area} onChange={(event) => setFilter({ ...filter, area: event.target.value })}>
              <option value="">{t.moderation.allGemeenten}</option>
              {municipalities.map((area) => <option key={area.code} value={area.code}>{area.name}</option>)}
            </select>
          </label>
          <label className="grow">
            <span>{t.search}</span>
            <input type="search" value={filter.q} maxLength={200} placeholder={t.searchPlaceholder} onChange={(event) => setFilter({ ...filter, q: event.target.value })} />
          </label>
        </div>
        <label className="check">
          <input type="checkbox" checked={filter.reported} onChange={(event) => setFilter({ ...filter, reported: event.target.checked })} />
          <span>{t.moderation.reportedOnly}</span>
        </label>
      </form>
      <p ref={statusRef} tabIndex={-1} role="status" className={status ? 'notice' : 'visually-hidden'}>{status}</p>
      {error ? <p role="alert" className="message error">{error}</p> : null}
      {items === null && !error ? <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
      {items !== null ? <p className="count" aria-live="polite">{t.moderation.count(total)}</p> : null}
      {items?.length === 0 ? <p className="hint">{t.moderation.empty}</p> : null}
      <ul className="cards" data-testid="queue">
        {items?.map((asset) => {
          const expanded = open === asset.id;
          const statusLabel = ASSET_STATUSES.find((s) => s.code === asset.status)!;
          const category = CATEGORIES.find((c) => c.code === asset.category);
          return (
            <li key={asset.id} className={expanded ? 'card open' : 'card'} data-testid="queue-item">
              <button
                type="button"
                className="card-toggle"
                aria-expanded={expanded}
                aria-controls={`queue-${asset.id}`}
                onClick={() => {
                  setOpen(expanded ? null : asset.id);
                  if (!expanded) {
                    const [lon, lat] = asset.exactLocation.coordinates;
                    onShowPlace({ lon, lat });
                  }
                }}
              >
                <KindSwatch kind={asset.kind} />
                <span className="result-text">
                  <strong>{asset.name}</strong>
                  <span className="meta">
                    {category ? label(category.label) : asset.kind}{asset.buurt ? ` · ${asset.buurt.name}` : ''} · {t.moderation.submittedOn(date.format(new Date(asset.createdAt)), asset.ownerName)}
                  </span>
                </span>
                <span className={`status status-${asset.status}`}>{label(statusLabel.label)}</span>
                {asset.openReports > 0 ? <span className="reports-badge">{t.moderation.reports(asset.openReports)}</span> : null}
              </button>
              {expanded ? (
                <div id={`queue-${asset.id}`}>
                  <QueueEntry asset={asset} onShowPlace={onShowPlace} onDecided={decided} onEdit={onEdit} />
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function QueueEntry({ asset, onShowPlace, onDecided, onEdit }: { asset: ManagedAsset; onShowPlace: (place: Point) => void; onDecided: (asset: ManagedAsset, decision: ModerationDecision) => void; onEdit: (id: string) => void }) {
  const { t, label } = useI18n();
  const [reports, setReports] = useState<Report[] | null>(null);
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [showHistory, setShowHistory] = useState(false);
  const messageId = useId();

  useEffect(() => {
    const controller = new AbortController();
    openReports(asset.id, controller.signal).then(setReports, () => setReports([]));
    return () => controller.abort();
  }, [asset.id]);

  const act = async (decision: ModerationDecision) => {
    if (NEEDS_MESSAGE.has(decision) && message.trim().length < 3) {
      setProblem(decision === 'reject' ? t.moderation.reasonNeeded : t.moderation.messageNeeded);
      document.getElementById(messageId)?.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await moderate(asset.id, decision, message);
      onDecided(asset, decision);
    } catch (err) {
      setProblem(generalMessage(err, t));
    } finally {
      setBusy(false);
    }
  };

  const [lon, lat] = asset.exactLocation.coordinates;
  const address = [[asset.address.street, asset.address.houseNumber].filter(Boolean).join(' '), asset.address.postcode, asset.address.city].filter(Boolean).join(', ');
  const precision = LOCATION_PRECISIONS.find((p) => p.code === asset.precision)!;
  const contact = asset.contact;
  return (
    <div className="queue-entry" data-testid="queue-entry">
      {asset.description ? <p>{asset.description}</p> : null}
      <dl className="facts">
        <dt>{t.moderation.exactPlace}</dt>
        <dd>
          {lat.toFixed(5)}, {lon.toFixed(5)}{' '}
          <button type="button" className="link" onClick={() => onShowPlace({ lon, lat })}>{t.moderation.showOnMap}</button>
        </dd>
        <dt>{t.moderation.precision}</dt>
        <dd>{label(precision.label)}</dd>
        <dt>{t.contribute.address}</dt>
        <dd>{address || '—'}</dd>
        <dt>{t.detailContact}</dt>
        <dd>
          {[contact.contactPerson, contact.email, contact.phone, contact.website].filter(Boolean).join(' · ') || '—'}
          <br />
          <span className="meta">{asset.shareContactWithProfessionals ? t.moderation.sharedWithProfessionals : t.moderation.notShared}</span>
        </dd>
        <dt>{t.detailWhen}</dt>
        <dd><ScheduleText schedule={asset.schedule} /></dd>
        {asset.targetGroups.length > 0 ? (<><dt>{t.detailWelcomes}</dt><dd>{labelsOf(asset.targetGroups, TARGET_GROUPS, label)}</dd></>) : null}
        {asset.inclusionFeatures.length > 0 ? (<><dt>{t.detailInclusion}</dt><dd>{labelsOf(asset.inclusionFeatures, INCLUSION_FEATURES, label)}</dd></>) : null}
        {asset.socialCapital.length > 0 ? (<><dt>{t.detailSocialCapital}</dt><dd>{labelsOf(asset.socialCapital, SOCIAL_CAPITAL_TYPES, label)}</dd></>) : null}
        {asset.characteristics.length > 0 ? (<><dt>{t.detailCharacteristics}</dt><dd>{labelsOf(asset.characteristics, CHARACTERISTICS, label)}</dd></>) : null}
        {asset.languages.length > 0 ? (<><dt>{t.contribute.languages}</dt><dd>{asset.languages.join(', ')}</dd></>) : null}
        {asset.moderationMessage ? (<><dt>{t.moderation.lastMessage}</dt><dd>{asset.moderationMessage}</dd></>) : null}
      </dl>
      <h4>{t.moderation.openReports}</h4>
      {reports === null ? <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : reports.length === 0 ? <p className="hint">{t.moderation.noReports}</p> : (
        <ul className="reports" data-testid="reports">
          {reports.map((report) => (
            <li key={report.id}>
              <strong>{label(REPORT_REASONS.find((r) => r.code === report.reason)?.label ?? { nl: report.reason, en: report.reason })}</strong>
              {report.message ? <>: {report.message}</> : null}
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="link" aria-expanded={showHistory} onClick={() => setShowHistory(!showHistory)}>{t.mine.history}</button>
      {' · '}
      {/* A moderator's fix (a typo, a changed time) goes live as it is, recorded as a version. */}
      <button type="button" className="link" onClick={() => onEdit(asset.id)}>{t.moderation.edit}</button>
      {showHistory ? <VersionHistory assetId={asset.id} /> : null}
      <div className="decision">
        <label htmlFor={messageId}>{t.moderation.message}</label>
        <p className="hint" id={`${messageId}-hint`}>{t.moderation.messageHint}</p>
        <textarea id={messageId} rows={3} maxLength={2000} value={message} aria-describedby={`${messageId}-hint`} aria-invalid={problem !== null && message.trim().length < 3}
          onChange={(event) => setMessage(event.target.value)} />
        <ErrorSummary message={problem} />
        <div className="actions">
          {(['approve', 'request-changes', 'reject', 'archive'] as const).filter((decision) => ALLOWED[decision].includes(asset.status)).map((decision) => (
            <button key={decision} type="button" className={decision === 'approve' ? 'primary' : decision === 'reject' ? 'danger' : 'secondary'} disabled={busy} onClick={() => void act(decision)}>
              {t.moderation.actions[decision]}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
