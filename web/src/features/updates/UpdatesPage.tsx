import { useEffect, useId, useRef, useState } from 'react';
import { AnnouncementCreateSchema, type AreaUpdates, type UpdateEntry } from '@kwartier/shared';
import { areaUpdates, createAnnouncement, followArea, myFollows, unfollowArea, withdrawAnnouncement } from '../../api/updates.ts';
import { ErrorSummary, Field, generalMessage, problemsAt, problemsOf, schemaProblems, type Problems } from '../../components/forms.tsx';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { useSession } from '../../state/session.tsx';
import { formatDate } from '../buurtscan/format.ts';

const AREA = /^(GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$/;

type Props = {
  area: string | null;
  onChange: (area: string | null) => void;
  onOpenAsset: (id: string) => void;
  onOpenAgenda: (area: string) => void;
  onSignIn: () => void;
};

/**
 * The news of an area: what changed on the map, on the wijkagenda and in announcements, newest
 * first, with its Atom feed; signed-in people follow it, professionals post announcements.
 */
export function UpdatesPage({ area, onChange, onOpenAsset, onOpenAgenda, onSignIn }: Props) {
  const { t } = useI18n();
  const tu = t.updates;
  const session = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const [input, setInput] = useState(area ?? '');
  const [updates, setUpdates] = useState<AreaUpdates | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => setInput(area ?? ''), [area]);
  useEffect(() => {
    setUpdates(null);
    if (!area) return;
    const controller = new AbortController();
    areaUpdates(area, controller.signal).then(
      (result) => {
        setUpdates(result);
        setError(null);
      },
      (err: unknown) => (err as Error).name !== 'AbortError' && setError(generalMessage(err, t)),
    );
    return () => controller.abort();
  }, [area, version, t]);

  // Feed readers and browsers find the feed of the page in its head.
  useEffect(() => {
    if (!updates) return;
    const link = document.createElement('link');
    link.rel = 'alternate';
    link.type = 'application/atom+xml';
    link.href = updates.feed;
    link.title = tu.title(updates.area.name);
    document.head.appendChild(link);
    return () => link.remove();
  }, [updates, tu]);

  const name = updates?.area.name;
  return (
    <section className="page agenda updates" aria-labelledby="updates-title">
      <h2 id="updates-title" tabIndex={-1} ref={heading}>{name ? tu.title(name) : tu.titleEmpty}</h2>
      <p className="hint">{tu.intro}</p>
      <form
        className="inline-fields"
        style={{ display: 'flex', gap: 8, alignItems: 'flex-end' }}
        onSubmit={(event) => {
          event.preventDefault();
          const value = input.trim().toUpperCase();
          if (value === '') onChange(null);
          else if (AREA.test(value)) onChange(value);
          else setError(tu.chooseArea);
        }}
      >
        <label className="grow" style={{ flex: 1, display: 'grid', gap: 4 }}>
          <span>{tu.area}</span>
          <input type="text" value={input} placeholder="BU05460100" onChange={(event) => setInput(event.target.value)} />
        </label>
        <button type="submit" className="secondary">{tu.show}</button>
      </form>
      <ErrorSummary message={error} />
      {!area ? <p className="hint">{tu.chooseArea}</p> : null}
      {area && updates === null && !error ? <p className="message" role="status"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
      {updates ? (
        <>
          <div className="updates-actions" style={{ display: 'flex', flexWrap: 'wrap', gap: '8px 16px', alignItems: 'center', margin: '8px 0' }}>
            <FollowButton code={updates.area.code} level={updates.area.level} onSignIn={onSignIn} />
            <a href={updates.feed} type="application/atom+xml" title={tu.feedHint} data-testid="feed-link">
              <FeedIcon /> {tu.feed}
            </a>
          </div>
          {updates.items.length === 0 ? <p className="hint">{tu.none}</p> : (
            <ul className="agenda-list" data-testid="updates-list">
              {updates.items.map((entry) => (
                <Entry key={entry.id} entry={entry} onOpenAsset={onOpenAsset} onOpenAgenda={onOpenAgenda} onWithdrawn={() => setVersion((n) => n + 1)} />
              ))}
            </ul>
          )}
        </>
      ) : null}
      {session.may('keepAgenda') ? <AnnouncementForm defaultArea={area ?? ''} onPosted={() => setVersion((n) => n + 1)} /> : null}
    </section>
  );
}

function FeedIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" style={{ verticalAlign: '-2px' }}>
      <rect width="16" height="16" rx="3" fill="#e06d10" />
      <circle cx="4.5" cy="11.5" r="1.6" fill="#fff" />
      <path d="M3 7.2a5.8 5.8 0 0 1 5.8 5.8M3 3.6a9.4 9.4 0 0 1 9.4 9.4" stroke="#fff" strokeWidth="1.8" fill="none" />
    </svg>
  );
}

/** Follow or unfollow: for signed-in people; anyone else is asked to sign in. */
function FollowButton({ code, level, onSignIn }: { code: string; level: string; onSignIn: () => void }) {
  const { t } = useI18n();
  const tu = t.updates;
  const session = useSession();
  const [following, setFollowing] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const signedIn = Boolean(session.user);

  useEffect(() => {
    if (!signedIn) return setFollowing(null);
    const controller = new AbortController();
    myFollows(controller.signal).then(
      (result) => setFollowing(result.items.some((follow) => follow.areaCode === code)),
      (err: unknown) => (err as Error).name !== 'AbortError' && setMessage(generalMessage(err, t)),
    );
    return () => controller.abort();
  }, [code, signedIn, t]);

  if (session.user === undefined) return null;
  if (!session.user) {
    return (
      <p className="hint" style={{ margin: 0 }}>
        {tu.followSignIn} <button type="button" className="link" onClick={onSignIn}>{tu.signIn}</button>
      </p>
    );
  }
  const toggle = () => {
    setBusy(true);
    setMessage(null);
    (following ? unfollowArea(code) : followArea(code)).then(
      () => setFollowing(!following),
      (err: unknown) => setMessage(generalMessage(err, t)),
    ).finally(() => setBusy(false));
  };
  return (
    <div>
      <button type="button" className={following ? 'secondary' : 'primary'} disabled={busy || following === null} aria-pressed={following ?? undefined} onClick={toggle} data-testid="follow-button">
        {following ? tu.unfollow : tu.followArea(level)}
      </button>
      {following ? <p className="hint" role="status" style={{ marginTop: 4 }}>{tu.following}</p> : null}
      {message ? <p className="message error" role="alert">{message}</p> : null}
    </div>
  );
}

function Entry({ entry, onOpenAsset, onOpenAgenda, onWithdrawn }: { entry: UpdateEntry; onOpenAsset: (id: string) => void; onOpenAgenda: (area: string) => void; onWithdrawn: () => void }) {
  const { t, language } = useI18n();
  const tu = t.updates;
  const [message, setMessage] = useState<string | null>(null);
  const open = (event: React.MouseEvent) => {
    if (entry.type === 'announcement') return;
    event.preventDefault();
    if (entry.type === 'asset') onOpenAsset(entry.subjectId);
    else if (entry.area) onOpenAgenda(entry.area.code);
  };
  const withdraw = () => {
    if (!window.confirm(tu.confirmWithdraw)) return;
    withdrawAnnouncement(entry.subjectId).then(onWithdrawn, (err: unknown) => setMessage(generalMessage(err, t)));
  };
  return (
    <li className="agenda-item" id={entry.type === 'announcement' ? `announcement-${entry.subjectId}` : undefined} data-testid="update-entry">
      <div className="agenda-item-head">
        <h4>
          {entry.type === 'announcement' ? entry.title : <a href={entry.link} onClick={open}>{entry.title}</a>}
        </h4>
        {entry.editable ? <button type="button" className="link" aria-label={tu.withdrawOf(entry.title)} onClick={withdraw}>{tu.withdraw}</button> : null}
      </div>
      <div className="meta">
        <span className="status-badge">{tu.types[entry.type]}</span>
        {entry.type !== 'announcement' ? <span className="status-badge" style={entry.change === 'new' ? { background: '#dff0d8' } : undefined}>{tu.changes[entry.change]}</span> : null}
        {entry.area ? `${entry.area.name} · ` : ''}
        {formatDate(entry.updated.slice(0, 10), language)}
      </div>
      <p className="agenda-description">{entry.summary}</p>
      {entry.contact ? (
        <p className="meta" style={{ margin: '4px 0 0' }} data-testid="announcement-contact">
          {tu.contact}: {entry.contact.name}
          {entry.contact.phone ? <>, <a href={`tel:${entry.contact.phone.replace(/[^+0-9]/g, '')}`}>{entry.contact.phone}</a></> : null}
          {entry.contact.email ? <>, <a href={`mailto:${entry.contact.email}`}>{entry.contact.email}</a></> : null}
        </p>
      ) : null}
      {message ? <p className="message error" role="alert">{message}</p> : null}
    </li>
  );
}

type Draft = { areaCode: string; title: string; body: string; name: string; phone: string; email: string; publishContact: boolean };

/** Professionals post an announcement; a contact is published only with the box ticked. */
function AnnouncementForm({ defaultArea, onPosted }: { defaultArea: string; onPosted: () => void }) {
  const { t } = useI18n();
  const tu = t.updates;
  const formId = useId();
  const empty: Draft = { areaCode: defaultArea, title: '', body: '', name: '', phone: '', email: '', publishContact: false };
  const [draft, setDraft] = useState<Draft>(empty);
  const [problems, setProblems] = useState<Problems>([]);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft((current) => ({ ...current, areaCode: defaultArea })), [defaultArea]);
  const set = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }));
  const at = (path: string) => problemsAt(problems, path);
  const labels = { areaCode: tu.areaCode, title: tu.annTitle, body: tu.annBody, contact: tu.contactName, 'contact.phone': tu.contactPhone, 'contact.email': tu.contactEmail, publishContact: tu.contactLegend };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setMessage(null);
    const hasContact = Boolean(draft.name.trim() || draft.phone.trim() || draft.email.trim());
    const body = {
      areaCode: draft.areaCode.trim().toUpperCase(),
      title: draft.title,
      body: draft.body,
      contact: hasContact ? { name: draft.name, ...(draft.phone.trim() ? { phone: draft.phone } : {}), ...(draft.email.trim() ? { email: draft.email.trim() } : {}) } : null,
      publishContact: draft.publishContact,
    };
    const checked = AnnouncementCreateSchema.safeParse(body);
    const found = checked.success ? [] : schemaProblems(checked.error, t);
    setProblems(found);
    if (found.length > 0) {
      setMessage({ error: true, text: t.errors.checkFields });
      requestAnimationFrame(() => document.getElementById(`${formId}-summary`)?.focus());
      return;
    }
    setBusy(true);
    try {
      await createAnnouncement(body);
      setDraft({ ...empty, areaCode: body.areaCode });
      setMessage({ error: false, text: tu.posted });
      onPosted();
    } catch (err) {
      setProblems(problemsOf(err));
      setMessage({ error: true, text: generalMessage(err, t) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${formId}-title`}>
      <h3 id={`${formId}-title`}>{tu.postTitle}</h3>
      <p className="hint">{tu.postIntro}</p>
      <form className="agenda-form" noValidate onSubmit={(event) => void submit(event)} data-testid="announcement-form">
        {message?.error ? <ErrorSummary id={`${formId}-summary`} message={message.text} problems={problems} labels={labels} /> : null}
        <Field label={tu.areaCode} problems={at('areaCode')}>
          {(props) => <input {...props} type="text" placeholder="BU05460100" value={draft.areaCode} onChange={(event) => set({ areaCode: event.target.value })} />}
        </Field>
        <Field label={tu.annTitle} problems={at('title')}>
          {(props) => <input {...props} type="text" maxLength={200} value={draft.title} onChange={(event) => set({ title: event.target.value })} />}
        </Field>
        <Field label={tu.annBody} problems={at('body')}>
          {(props) => <textarea {...props} rows={4} maxLength={5000} value={draft.body} onChange={(event) => set({ body: event.target.value })} />}
        </Field>
        <fieldset className={at('contact').length > 0 || at('publishContact').length > 0 ? 'invalid' : undefined}>
          <legend>{tu.contactLegend}</legend>
          <p className="hint">{tu.publishContactHint}</p>
          <Field label={tu.contactName} problems={problemsAt(problems, 'contact').filter((problem) => problem.field === 'body.contact' || problem.field === 'body.contact.name')}>
            {(props) => <input {...props} type="text" maxLength={120} value={draft.name} onChange={(event) => set({ name: event.target.value })} />}
          </Field>
          <div className="inline-fields">
            <Field label={tu.contactPhone} problems={at('contact.phone')}>
              {(props) => <input {...props} type="tel" maxLength={30} value={draft.phone} onChange={(event) => set({ phone: event.target.value })} />}
            </Field>
            <Field label={tu.contactEmail} problems={at('contact.email')}>
              {(props) => <input {...props} type="email" maxLength={254} value={draft.email} onChange={(event) => set({ email: event.target.value })} />}
            </Field>
          </div>
          <label className="check" style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }}>
            <input type="checkbox" checked={draft.publishContact} onChange={(event) => set({ publishContact: event.target.checked })} aria-invalid={at('publishContact').length > 0} />
            <span>{tu.publishContact}</span>
          </label>
        </fieldset>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>{tu.post}</button>
        </div>
        {message && !message.error ? <p role="status" className="message">{message.text}</p> : null}
      </form>
    </section>
  );
}
