import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { ASSET_KINDS, ASSET_STATUSES, CATEGORIES, CONSENT_TEXTS, type ContactRequest, type ManagedAsset } from '@kwartier/shared';
import { decideContactRequest, myAssets, myContactRequests, withdrawAsset } from '../../api/contributions.ts';
import { EXPORT_URL, deleteAccount } from '../../api/accounts.ts';
import { ApiError } from '../../api/client.ts';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { useSession } from '../../state/session.tsx';
import { ErrorSummary, generalMessage } from '../../components/forms.tsx';
import { VersionHistory } from '../../components/VersionHistory.tsx';
import { WhatFitsMe } from '../matching/WhatFitsMe.tsx';

type Props = {
  onEdit: (id: string) => void;
  /** Marks an entry's exact place on the map, and flies there. */
  onShowPlace: (place: { lon: number; lat: number }) => void;
  onContribute: () => void;
  onSignIn: () => void;
  /** The account is gone: back to the map. */
  onDeleted: () => void;
};

/** "Mijn bijdragen": my entries and what became of them, contact requests, and my data. */
export function MinePage({ onEdit, onShowPlace, onContribute, onSignIn, onDeleted }: Props) {
  const { t } = useI18n();
  const { user } = useSession();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  if (user === undefined) return <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p>;
  return (
    <section className="page mine" aria-labelledby="mine-title">
      <h2 id="mine-title" tabIndex={-1} ref={heading}>{t.account.mine}</h2>
      {user === null ? (
        <>
          <p>{t.mine.signInFirst}</p>
          <button type="button" className="primary" onClick={onSignIn}>{t.account.signIn}</button>
        </>
      ) : (
        <>
          <MyEntries onEdit={onEdit} onShowPlace={onShowPlace} onContribute={onContribute} />
          <WhatFitsMe />
          <ContactRequests />
          <MyData onDeleted={onDeleted} />
        </>
      )}
    </section>
  );
}

const HIGHLIGHT = new Set(['changes_requested', 'rejected', 'hidden']);

function MyEntries({ onEdit, onShowPlace, onContribute }: Pick<Props, 'onEdit' | 'onShowPlace' | 'onContribute'>) {
  const { t, label, language } = useI18n();
  const [entries, setEntries] = useState<ManagedAsset[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [history, setHistory] = useState<Set<string>>(new Set());

  const load = useCallback((signal?: AbortSignal) => {
    myAssets(signal).then((page) => setEntries(page.items), (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setError(generalMessage(err, t));
    });
  }, [t]);
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const withdraw = async (entry: ManagedAsset) => {
    setConfirming(null);
    try {
      const updated = await withdrawAsset(entry.id);
      setEntries((current) => current?.map((e) => (e.id === updated.id ? updated : e)) ?? null);
      setStatus(t.mine.withdrawn(entry.name));
    } catch (err) {
      setError(generalMessage(err, t));
    }
  };

  const date = new Intl.DateTimeFormat(language === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'medium' });
  return (
    <section aria-labelledby="entries-title">
      <h3 id="entries-title">{t.mine.entries}</h3>
      {status ? <p role="status" className="notice">{status}</p> : null}
      {error ? <p role="alert" className="message error">{error}</p> : null}
      {entries === null && !error ? <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
      {entries?.length === 0 ? (
        <p>{t.mine.none} <button type="button" className="link" onClick={onContribute}>{t.account.contribute}</button></p>
      ) : null}
      <ul className="cards" data-testid="my-entries">
        {entries?.map((entry) => {
          const kind = ASSET_KINDS.find((k) => k.code === entry.kind)!;
          const category = CATEGORIES.find((c) => c.code === entry.category);
          const statusLabel = ASSET_STATUSES.find((s) => s.code === entry.status)!;
          const showHistory = history.has(entry.id);
          return (
            <li key={entry.id} className="card" data-testid="my-entry" data-status={entry.status}>
              <div className="card-head">
                <strong>{entry.name}</strong>
                <span className={`status status-${entry.status}`}>{label(statusLabel.label)}</span>
              </div>
              <p className="meta">{label(kind.label)}{category ? ` · ${label(category.label)}` : ''} · {t.mine.since(date.format(new Date(entry.createdAt)))}</p>
              {entry.moderationMessage ? (
                <div className={HIGHLIGHT.has(entry.status) ? 'moderator-message highlight' : 'moderator-message'} data-testid="moderation-message">
                  <strong>{t.mine.moderatorSays}</strong>
                  <p>{entry.moderationMessage}</p>
                </div>
              ) : null}
              {entry.status === 'changes_requested' ? <p className="hint">{t.mine.changeAndResubmit}</p> : null}
              {entry.status === 'rejected' ? <p className="hint">{t.mine.rejectedHint}</p> : null}
              <div className="actions">
                {entry.status !== 'archived' && entry.status !== 'rejected' ? <button type="button" className="secondary" onClick={() => onEdit(entry.id)}>{t.mine.edit}<span className="visually-hidden">: {entry.name}</span></button> : null}
                {entry.status !== 'archived' ? (
                  confirming === entry.id ? (
                    <span className="confirm" role="group" aria-label={t.mine.withdrawConfirm}>
                      <span>{t.mine.withdrawConfirm}</span>
                      <button type="button" className="danger" onClick={() => void withdraw(entry)}>{t.mine.withdrawYes}</button>
                      <button type="button" className="link" onClick={() => setConfirming(null)}>{t.mine.cancel}</button>
                    </span>
                  ) : (
                    <button type="button" className="secondary" onClick={() => setConfirming(entry.id)}>{t.mine.withdraw}<span className="visually-hidden">: {entry.name}</span></button>
                  )
                ) : null}
                <button type="button" className="link" onClick={() => {
                  const [lon, lat] = entry.exactLocation.coordinates;
                  onShowPlace({ lon, lat });
                }}>
                  {t.moderation.showOnMap}<span className="visually-hidden">: {entry.name}</span>
                </button>
                <button
                  type="button"
                  className="link"
                  aria-expanded={showHistory}
                  onClick={() => setHistory((current) => {
                    const next = new Set(current);
                    if (next.has(entry.id)) next.delete(entry.id);
                    else next.add(entry.id);
                    return next;
                  })}
                >
                  {t.mine.history}<span className="visually-hidden">: {entry.name}</span>
                </button>
              </div>
              {showHistory ? <VersionHistory assetId={entry.id} /> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function ContactRequests() {
  const { t, language } = useI18n();
  const [requests, setRequests] = useState<ContactRequest[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [accepting, setAccepting] = useState<string | null>(null);
  const [consent, setConsent] = useState(false);
  const consentId = useId();

  useEffect(() => {
    const controller = new AbortController();
    myContactRequests(controller.signal).then(setRequests, (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setError(generalMessage(err, t));
    });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const decide = async (request: ContactRequest, decision: 'accept' | 'decline' | 'withdraw') => {
    setError(null);
    try {
      const updated = await decideContactRequest(request.id, decision);
      setRequests((current) => current?.map((r) => (r.id === updated.id ? updated : r)) ?? null);
      setAccepting(null);
      setConsent(false);
    } catch (err) {
      setError(generalMessage(err, t));
    }
  };

  const date = new Intl.DateTimeFormat(language === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'medium' });
  const incoming = requests?.filter((r) => r.direction === 'incoming') ?? [];
  const outgoing = requests?.filter((r) => r.direction === 'outgoing') ?? [];
  const item = (request: ContactRequest) => (
    <li key={request.id} className="card" data-testid="contact-request">
      <div className="card-head">
        <strong>{request.assetName}</strong>
        <span className={`status request-${request.status}`}>{t.mine.requestStatus[request.status]}</span>
      </div>
      <p className="meta">{date.format(new Date(request.createdAt))}</p>
      <blockquote>{request.message}</blockquote>
      {request.counterpart ? (
        <p className="counterpart">
          {t.mine.reachAt(request.counterpart.displayName)} <a href={`mailto:${request.counterpart.email}`}>{request.counterpart.email}</a>
        </p>
      ) : null}
      <div className="actions">
        {request.direction === 'incoming' && request.status === 'pending' ? (
          accepting === request.id ? (
            <div className="consent">
              <label className="check">
                <input type="checkbox" id={consentId} checked={consent} onChange={(event) => setConsent(event.target.checked)} />
                <span>{CONSENT_TEXTS.shareContact.text[language]}</span>
              </label>
              <div className="actions">
                <button type="button" className="primary" disabled={!consent} onClick={() => void decide(request, 'accept')}>{t.mine.acceptAndShare}</button>
                <button type="button" className="link" onClick={() => setAccepting(null)}>{t.mine.cancel}</button>
              </div>
            </div>
          ) : (
            <>
              <button type="button" className="primary" onClick={() => { setAccepting(request.id); setConsent(false); }}>{t.mine.accept}</button>
              <button type="button" className="secondary" onClick={() => void decide(request, 'decline')}>{t.mine.decline}</button>
            </>
          )
        ) : null}
        {(request.status === 'pending' && request.direction === 'outgoing') || request.status === 'accepted' ? (
          <button type="button" className="secondary" onClick={() => void decide(request, 'withdraw')}>{t.mine.withdrawRequest}</button>
        ) : null}
      </div>
    </li>
  );

  return (
    <section aria-labelledby="requests-title">
      <h3 id="requests-title">{t.mine.contactRequests}</h3>
      {error ? <p role="alert" className="message error">{error}</p> : null}
      {requests === null && !error ? <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
      {requests?.length === 0 ? <p className="hint">{t.mine.noRequests}</p> : null}
      {incoming.length > 0 ? (<><h4>{t.mine.incoming}</h4><ul className="cards">{incoming.map(item)}</ul></>) : null}
      {outgoing.length > 0 ? (<><h4>{t.mine.outgoing}</h4><ul className="cards">{outgoing.map(item)}</ul></>) : null}
    </section>
  );
}

function MyData({ onDeleted }: { onDeleted: () => void }) {
  const { t } = useI18n();
  const { forget } = useSession();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const passwordId = useId();

  const remove = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!password) return setMessage(t.mine.passwordNeeded);
    setBusy(true);
    setMessage(null);
    try {
      await deleteAccount(password);
      forget();
      onDeleted();
    } catch (err) {
      setMessage(err instanceof ApiError && err.status === 400 ? t.mine.wrongPassword : err instanceof ApiError && err.status === 409 ? t.mine.lastAdmin : generalMessage(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="data-title">
      <h3 id="data-title">{t.mine.myData}</h3>
      <p className="hint">{t.mine.myDataIntro}</p>
      <p><a href={EXPORT_URL} download>{t.mine.download}</a></p>
      {open ? (
        <form onSubmit={remove} className="danger-zone" noValidate>
          <p>{t.mine.deleteExplained}</p>
          <label htmlFor={passwordId}>{t.account.password}</label>
          <input id={passwordId} type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} />
          <ErrorSummary message={message} />
          <div className="actions">
            <button type="submit" className="danger" disabled={busy}>{t.mine.deleteForGood}</button>
            <button type="button" className="link" onClick={() => { setOpen(false); setPassword(''); setMessage(null); }}>{t.mine.cancel}</button>
          </div>
        </form>
      ) : (
        <button type="button" className="secondary danger-text" onClick={() => setOpen(true)}>{t.mine.deleteAccount}</button>
      )}
    </section>
  );
}
