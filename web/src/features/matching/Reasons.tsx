import { useState } from 'react';
import {
  CATEGORIES,
  CONSENT_TEXTS,
  DAY_PARTS,
  DISTANCE_BANDS,
  INCLUSION_FEATURES,
  type MatchReason,
  SKILLS,
  type Slot,
} from '@kwartier/shared';
import type { I18n } from '../../i18n/I18nContext.tsx';
import { useI18n } from '../../i18n/I18nContext.tsx';

const find = <T extends { code: string }>(terms: readonly T[], code: string) => terms.find((term) => term.code === code);

export function skillNames(codes: readonly string[], { label }: I18n): string {
  return codes.map((code) => { const skill = find(SKILLS, code); return skill ? label(skill.label) : code; }).join(', ');
}

export function categoryName(code: string | null, { label }: I18n): string {
  const category = code ? find(CATEGORIES, code) : undefined;
  return category ? label(category.label) : '';
}

export function bandName(code: string, { label }: I18n): string {
  const band = find(DISTANCE_BANDS, code);
  return band ? label(band.label) : code;
}

function slotNames(slots: readonly Slot[], { t, label }: I18n): string {
  return slots.map((slot) => `${t.weekdays[slot.day]} ${label(find(DAY_PARTS, slot.part)!.label).toLowerCase()}`).join(', ');
}

/** One reason as a sentence: "Gedeelde vaardigheid: Klussen". */
export function reasonText(reason: MatchReason, i18n: I18n): string {
  const r = i18n.t.matching.reasons;
  switch (reason.code) {
    case 'shared_skills':
      return reason.named ? r.sharedSkills(skillNames(reason.skills, i18n)) : r.categorySkills(skillNames(reason.skills, i18n));
    case 'any_help_welcome':
      return r.anyHelp;
    case 'distance':
      return r.distance(bandName(reason.band, i18n));
    case 'overlapping_times':
      // Slots only for the person's own side (and the ask's side once both agreed).
      return reason.slots && reason.slots.length > 0 ? r.overlappingTimes(slotNames(reason.slots, i18n)) : r.timesOverlap;
    case 'times_unknown':
      return r.timesUnknown;
    case 'no_overlapping_times':
      return r.noOverlap;
    case 'inclusion_met':
      // A stored match keeps the points, not which features the person needs.
      return reason.features && reason.features.length > 0
        ? r.inclusionMet(reason.features.map((code) => i18n.label(find(INCLUSION_FEATURES, code)!.label)).join(', '))
        : r.inclusionMetStored;
  }
}

/** The reasons of a result, each with the points it adds, and the score they make. */
export function Reasons({ reasons, score }: { reasons: readonly MatchReason[]; score: number }) {
  const i18n = useI18n();
  return (
    <div className="reasons" data-testid="reasons">
      <p className="meta"><strong>{i18n.t.matching.why}</strong> · {i18n.t.matching.score(score)}</p>
      <ul style={{ margin: '2px 0 6px', paddingLeft: 18 }}>
        {reasons.map((reason, index) => (
          <li key={index} data-reason={reason.code}>
            {reasonText(reason, i18n)} <span className="meta">({i18n.t.matching.points(reason.points)})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * "Voorstellen": a message and, when the proposer is one of the sides, the consent text to
 * agree to, shown word for word; for a client, the client's consent too.
 */
export function ProposeForm({ needsConsent, forClient = false, onSend, onCancel }: {
  needsConsent: boolean;
  forClient?: boolean;
  onSend: (message: string) => Promise<void>;
  onCancel: () => void;
}) {
  const { t, label } = useI18n();
  const [message, setMessage] = useState('');
  const [agreed, setAgreed] = useState(!needsConsent);
  const [clientAgreed, setClientAgreed] = useState(!forClient);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="form propose"
      data-testid="propose-form"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        try {
          await onSend(message.trim());
        } finally {
          setBusy(false);
        }
      }}
    >
      <label>
        <span>{t.matching.message}</span>
        <textarea value={message} maxLength={1000} rows={2} onChange={(event) => setMessage(event.target.value)} />
      </label>
      {forClient ? (
        <label className="check">
          <input type="checkbox" checked={clientAgreed} onChange={(event) => setClientAgreed(event.target.checked)} />
          <span><strong>{t.matching.clientConsent}:</strong> {label(CONSENT_TEXTS.clientMatch.text)}</span>
        </label>
      ) : null}
      {needsConsent ? (
        <label className="check">
          <input type="checkbox" checked={agreed} onChange={(event) => setAgreed(event.target.checked)} />
          <span>{t.matching.agreeTo} {label(CONSENT_TEXTS.matchContact.text)}</span>
        </label>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !agreed || !clientAgreed}>{t.matching.send}</button>
        <button type="button" className="link" onClick={onCancel}>{t.matching.cancel}</button>
      </div>
    </form>
  );
}
