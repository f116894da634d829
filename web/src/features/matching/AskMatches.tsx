import { useState } from 'react';
import { type AskMatch, EXCHANGE_TYPES } from '@kwartier/shared';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { generalMessage } from '../../components/forms.tsx';
import { ProposeForm, Reasons, bandName, categoryName } from './Reasons.tsx';

/**
 * Asks that fit a talent or a client, each with its reasons and a button to propose a match.
 * `onPropose` sends the proposal; the list marks what was proposed.
 */
export function AskMatchList({ items, needsConsent, forClient = false, onPropose }: {
  items: AskMatch[];
  needsConsent: boolean;
  forClient?: boolean;
  onPropose: (item: AskMatch, message: string) => Promise<string>;
}) {
  const i18n = useI18n();
  const { t, label } = i18n;
  const [open, setOpen] = useState<string | null>(null);
  const [proposed, setProposed] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      {notice ? <p role="status" className="notice">{notice}</p> : null}
      {error ? <p role="alert" className="message error">{error}</p> : null}
      <ol className="cards" data-testid="ask-matches">
        {items.map((item) => {
          const key = `${item.asset.id}:${item.askIndex}`;
          const type = EXCHANGE_TYPES.find((x) => x.code === item.ask.type);
          const matchId = proposed.get(key) ?? item.openMatchId;
          return (
            <li key={key} className="card" data-testid="ask-match" data-score={item.score}>
              <div className="card-head">
                <strong>{item.asset.name}</strong>
                <span className="status">{t.matching.score(item.score)}</span>
              </div>
              <p className="meta">
                {categoryName(item.asset.category, i18n)}
                {item.asset.buurt ? ` · ${item.asset.buurt.name}` : ''} · {bandName(item.distanceBand, i18n)}
              </p>
              <p>{type ? <strong>{label(type.label)}: </strong> : null}{item.ask.description}</p>
              <Reasons reasons={item.reasons} score={item.score} />
              {matchId ? (
                <p className="meta" data-testid="proposed">✓ {t.matching.proposed}</p>
              ) : open === key ? (
                <ProposeForm
                  needsConsent={needsConsent}
                  forClient={forClient}
                  onCancel={() => setOpen(null)}
                  onSend={async (message) => {
                    setError(null);
                    try {
                      const id = await onPropose(item, message);
                      setProposed((current) => new Map(current).set(key, id));
                      setOpen(null);
                      setNotice(t.matching.proposedNotice);
                    } catch (err) {
                      setError(generalMessage(err, t));
                    }
                  }}
                />
              ) : (
                <div className="actions">
                  <button type="button" className="secondary" onClick={() => setOpen(key)}>
                    {t.matching.propose}<span className="visually-hidden">: {item.asset.name}</span>
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </>
  );
}
