import { useCallback, useEffect, useState } from 'react';
import { CONSENT_TEXTS, EXCHANGE_TYPES, type Match } from '@kwartier/shared';
import { decideMatch, myMatches } from '../../api/matching.ts';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { generalMessage } from '../../components/forms.tsx';
import { Reasons, bandName, categoryName, skillNames } from './Reasons.tsx';

/** "Mijn matches": each match I am part of, with the answers of both sides and what I may do. */
export function MatchList() {
  const i18n = useI18n();
  const { t } = i18n;
  const [matches, setMatches] = useState<Match[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback((signal?: AbortSignal) => {
    myMatches(signal).then(setMatches, (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setError(generalMessage(err, t));
    });
  }, [t]);
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const replace = (updated: Match) => setMatches((current) => current?.map((m) => (m.id === updated.id ? updated : m)) ?? null);
  return (
    <section aria-labelledby="my-matches-title" data-testid="my-matches">
      <h3 id="my-matches-title">{t.matching.myMatches}</h3>
      {error ? <p role="alert" className="message error">{error}</p> : null}
      {matches === null && !error ? <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
      {matches?.length === 0 ? <p>{t.matching.noMatches}</p> : null}
      <ul className="cards">
        {matches?.map((match) => <MatchCard key={match.id} match={match} onChange={replace} onError={(err) => setError(generalMessage(err, t))} />)}
      </ul>
    </section>
  );
}

function MatchCard({ match, onChange, onError }: { match: Match; onChange: (match: Match) => void; onError: (err: unknown) => void }) {
  const i18n = useI18n();
  const { t, label } = i18n;
  const [agreed, setAgreed] = useState(false);
  const [busy, setBusy] = useState(false);
  const type = EXCHANGE_TYPES.find((x) => x.code === match.ask.type);
  const talentName = match.talent.clientLabel
    ? t.matching.client(match.talent.clientLabel)
    : match.talent.name ?? t.matching.anonymousTalent(categoryName(match.talent.category, i18n));
  const decide = async (decision: 'accept' | 'decline' | 'withdraw') => {
    setBusy(true);
    try {
      onChange(await decideMatch(match.id, decision));
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="card" data-testid="match" data-status={match.status}>
      <div className="card-head">
        <strong>{talentName} ↔ {match.asset.name}</strong>
        <span className={`status status-${match.status === 'agreed' ? 'published' : match.status === 'proposed' ? 'pending' : 'archived'}`}>{t.matching.status[match.status]}</span>
      </div>
      <p className="meta">
        {match.myRoles.map((role) => t.matching.roles[role]).join(', ')} · {t.matching.answers(t.matching.answer[match.talentAnswer]!, t.matching.answer[match.askAnswer]!)} · {bandName(match.distanceBand, i18n)}
      </p>
      <p>{type ? <strong>{label(type.label)}: </strong> : null}{match.ask.description}</p>
      {match.talent.skills.length > 0 ? <p className="meta">{t.matching.skillList}: {skillNames(match.talent.skills, i18n)}</p> : null}
      {match.message ? <blockquote>{match.message}</blockquote> : null}
      <Reasons reasons={match.reasons} score={match.score} />
      {match.asset.ownerless && match.status === 'proposed' ? <p className="hint">{t.matching.ownerless}</p> : null}
      {match.counterpart ? (
        <div className="moderator-message highlight" data-testid="counterpart">
          <strong>{t.matching.contact}</strong>
          <p>
            {match.counterpart.displayName}
            {match.counterpart.onBehalfOfClient ? ` (${t.matching.onBehalfOf(match.counterpart.onBehalfOfClient)})` : ''} ·{' '}
            <a href={`mailto:${match.counterpart.email}`}>{match.counterpart.email}</a>
          </p>
        </div>
      ) : match.status === 'proposed' && (match.myRoles.includes('talent') || match.myRoles.includes('ask')) ? (
        <p className="hint">{t.matching.contactAfterBoth}</p>
      ) : null}
      {match.canAnswer ? (
        <>
          <label className="check">
            <input type="checkbox" checked={agreed} onChange={(event) => setAgreed(event.target.checked)} />
            <span>{t.matching.agreeTo} {label(CONSENT_TEXTS.matchContact.text)}</span>
          </label>
          <div className="actions">
            <button type="button" className="primary" disabled={busy || !agreed} onClick={() => void decide('accept')}>{t.matching.accept}</button>
            <button type="button" className="secondary" disabled={busy} onClick={() => void decide('decline')}>{t.matching.decline}</button>
          </div>
        </>
      ) : null}
      {match.status === 'proposed' || match.status === 'agreed' ? (
        <div className="actions">
          <button type="button" className="link" disabled={busy} onClick={() => void decide('withdraw')}>{t.matching.withdraw}</button>
        </div>
      ) : null}
    </li>
  );
}
