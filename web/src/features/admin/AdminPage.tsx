import { useEffect, useRef, useState } from 'react';
import { ROLES, type AuditEntry, type Role, type User } from '@kwartier/shared';
import { auditLog, listUsers, setRoles } from '../../api/accounts.ts';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { useSession } from '../../state/session.tsx';
import { ErrorSummary, generalMessage } from '../../components/forms.tsx';

/**
 * "Beheer": admins grant roles and read the audit log. The page shows only to admins; the
 * server refuses everyone else whatever this page does.
 */
export function AdminPage() {
  const { t } = useI18n();
  const session = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  /** Bumped after a change of roles: the audit log then shows it. */
  const [auditVersion, setAuditVersion] = useState(0);

  return (
    <section className="page admin" aria-labelledby="admin-title">
      <h2 id="admin-title" tabIndex={-1} ref={heading}>{t.admin.title}</h2>
      {session.may('manageAccounts') ? (
        <>
          <p className="hint">{t.admin.intro}</p>
          <Accounts onChanged={() => setAuditVersion((n) => n + 1)} />
          <AuditLog version={auditVersion} />
        </>
      ) : (
        <p>{t.admin.notAllowed}</p>
      )}
    </section>
  );
}

function Accounts({ onChanged }: { onChanged: () => void }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [page, setPage] = useState<{ items: User[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      listUsers(q, controller.signal).then(
        (result) => {
          setPage(result);
          setError(null);
        },
        (err: unknown) => (err as Error).name !== 'AbortError' && setError(generalMessage(err, t)),
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q, t]);

  return (
    <>
      <label className="field">
        <span>{t.admin.search}</span>
        <input type="search" value={q} onChange={(event) => setQ(event.target.value)} />
      </label>
      <ErrorSummary message={error} />
      {page ? <p className="hint" role="status">{t.admin.accounts(page.total)}</p> : null}
      <ul className="admin-users">
        {page?.items.map((user) => <AccountRoles key={user.id} user={user} onChanged={onChanged} />)}
      </ul>
    </>
  );
}

function AccountRoles({ user, onChanged }: { user: User; onChanged: () => void }) {
  const { t, label, language } = useI18n();
  const [roles, setChosen] = useState<Role[]>(user.roles);
  const [saved, setSaved] = useState<Role[]>(user.roles);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const changed = roles.length !== saved.length || roles.some((role) => !saved.includes(role));
  const toggle = (role: Role, on: boolean) => setChosen((current) => (on ? [...current, role] : current.filter((r) => r !== role)));

  const save = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const updated = await setRoles(user.id, ROLES.map((role) => role.code).filter((code) => roles.includes(code)));
      setSaved(updated.roles);
      setChosen(updated.roles);
      setMessage({ error: false, text: t.admin.saved });
      onChanged();
    } catch (err) {
      setMessage({ error: true, text: generalMessage(err, t) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="card">
      <fieldset>
        <legend>
          <strong>{user.displayName}</strong> · {user.email}
          <span className="hint"> · {t.admin.since(new Date(user.createdAt).toLocaleDateString(language === 'nl' ? 'nl-NL' : 'en-GB'))} · <code title={user.id}>{user.id.slice(0, 8)}</code></span>
        </legend>
        <div className="checkbox-row" role="group" aria-label={t.admin.rolesOf(user.displayName)}>
          {ROLES.map((role) => (
            <label key={role.code} className="check" title={label(role.description)}>
              <input type="checkbox" checked={roles.includes(role.code)} onChange={(event) => toggle(role.code, event.target.checked)} />
              {label(role.label)}
            </label>
          ))}
        </div>
        <button type="button" className="secondary" disabled={!changed || roles.length === 0 || busy} onClick={() => void save()}>{t.admin.save}</button>
        {message ? <span role={message.error ? 'alert' : 'status'} className={message.error ? 'error-text' : 'hint'}> {message.text}</span> : null}
      </fieldset>
    </li>
  );
}

function AuditLog({ version }: { version: number }) {
  const { t, language } = useI18n();
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    auditLog(controller.signal).then((log) => setEntries(log.items), () => setEntries([]));
    return () => controller.abort();
  }, [version]);
  const time = new Intl.DateTimeFormat(language === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium' });
  const short = (id: string | null) => (id ? id.slice(0, 8) : '–');

  return (
    <section aria-labelledby="audit-title">
      <h3 id="audit-title">{t.admin.audit}</h3>
      <p className="hint">{t.admin.auditIntro}</p>
      <table className="audit">
        <thead>
          <tr><th>{t.admin.when}</th><th>{t.admin.action}</th><th>{t.admin.outcome}</th><th>{t.admin.who}</th><th>{t.admin.target}</th></tr>
        </thead>
        <tbody>
          {entries?.map((entry) => (
            <tr key={entry.id}>
              <td>{time.format(new Date(entry.at))}</td>
              <td>{t.admin.actions[entry.action] ?? entry.action}{typeof entry.details.route === 'string' ? <> <code>{entry.details.route}</code></> : null}</td>
              <td>{t.admin.outcomes[entry.outcome] ?? entry.outcome}</td>
              <td><code>{short(entry.actorId)}</code></td>
              <td>{entry.targetType ? `${entry.targetType} ` : ''}<code>{short(entry.targetId)}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
