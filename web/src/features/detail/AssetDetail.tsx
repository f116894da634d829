import { useId, useState } from 'react';
import {
  ASSET_KINDS,
  CATEGORIES,
  CHARACTERISTICS,
  CONSENT_TEXTS,
  ContactRequestCreateSchema,
  INCLUSION_FEATURES,
  REPORT_REASONS,
  SOCIAL_CAPITAL_TYPES,
  TARGET_GROUPS,
  type Asset,
  type Label,
} from '@kwartier/shared';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { useSession } from '../../state/session.tsx';
import { ScheduleText } from '../../components/ScheduleText.tsx';
import { ErrorSummary, generalMessage } from '../../components/forms.tsx';
import { ApiError } from '../../api/client.ts';
import { reportAsset, requestContact } from '../../api/contributions.ts';

function labelsOf(codes: string[], terms: ReadonlyArray<{ code: string; label: Label }>, label: (l: Label) => string) {
  return codes.map((code) => terms.find((term) => term.code === code)).filter((term) => term !== undefined).map((term) => label(term.label));
}

/** Everything public about an asset, in the order a social worker reads it. */
export function AssetDetail({ asset, onClose, onSignIn }: { asset: Asset; onClose: () => void; onSignIn: () => void }) {
  const { t, label } = useI18n();
  const kind = ASSET_KINDS.find((k) => k.code === asset.kind)!;
  const category = CATEGORIES.find((c) => c.code === asset.category);
  const welcomes = labelsOf(asset.targetGroups, TARGET_GROUPS, label);
  const inclusion = labelsOf(asset.inclusionFeatures, INCLUSION_FEATURES, label);
  const address = [asset.address.street, asset.address.houseNumber].filter(Boolean).join(' ');
  return (
    <article className="detail" aria-labelledby="detail-title" data-testid="detail">
      <header>
        <h2 id="detail-title" tabIndex={-1}>{asset.name}</h2>
        <button type="button" className="close" onClick={onClose} aria-label={t.close}>×</button>
      </header>
      <p className="meta">{label(kind.label)}{category ? ` · ${label(category.label)}` : ''}</p>
      {asset.provenance.isSample ? <p className="badge">{t.sample}</p> : null}
      {asset.description ? <p>{asset.description}</p> : null}
      {welcomes.length > 0 ? (<><h3>{t.detailWelcomes}</h3><p>{welcomes.join(', ')}</p></>) : null}
      {inclusion.length > 0 ? (<><h3>{t.detailInclusion}</h3><ul className="chips">{inclusion.map((i) => <li key={i}>{i}</li>)}</ul></>) : null}
      <h3>{t.detailWhen}</h3>
      <ScheduleText schedule={asset.schedule} />
      <h3>{t.detailWhere}</h3>
      <p>
        {[address, asset.address.postcode, asset.address.city].filter(Boolean).join(', ') || '—'}
        {asset.buurt ? <><br />{asset.buurt.name}{asset.wijk ? `, ${asset.wijk.name}` : ''}</> : null}
        {asset.precision !== 'exact' ? <><br /><em>{t.approximate}</em></> : null}
      </p>
      {Object.keys(asset.contact).length > 0 ? (
        <>
          <h3>{t.detailContact}</h3>
          <ul>
            {asset.contact.contactPerson ? <li>{asset.contact.contactPerson}</li> : null}
            {asset.contact.phone ? <li><a href={`tel:${asset.contact.phone.replace(/[^+\d]/g, '')}`}>{asset.contact.phone}</a></li> : null}
            {asset.contact.email ? <li><a href={`mailto:${asset.contact.email}`}>{asset.contact.email}</a></li> : null}
            {asset.contact.website ? <li><a href={asset.contact.website} rel="noopener noreferrer" target="_blank">{asset.contact.website}</a></li> : null}
          </ul>
        </>
      ) : null}
      {asset.characteristics.length > 0 ? (<><h3>{t.detailCharacteristics}</h3><p>{labelsOf(asset.characteristics, CHARACTERISTICS, label).join(', ')}</p></>) : null}
      {asset.socialCapital.length > 0 ? (<><h3>{t.detailSocialCapital}</h3><p>{labelsOf(asset.socialCapital, SOCIAL_CAPITAL_TYPES, label).join(', ')}</p></>) : null}
      {/* A talent, or a resident's own entry: the person is reached through Kwartier, never by a published address. */}
      {asset.reachableThroughKwartier ? <ContactThroughKwartier key={`contact-${asset.id}`} asset={asset} onSignIn={onSignIn} /> : null}
      <ReportEntry key={`report-${asset.id}`} asset={asset} />
    </article>
  );
}

/** A message to the person behind an entry; they decide whether to share their name and e-mail. */
function ContactThroughKwartier({ asset, onSignIn }: { asset: Asset; onSignIn: () => void }) {
  const { t, language } = useI18n();
  const { user } = useSession();
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [consent, setConsent] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const id = useId();

  if (sent) return <p role="status" className="notice">{t.detail.contactSent}</p>;
  if (!open) {
    return (
      <div className="detail-action">
        <button type="button" className="secondary" onClick={() => (user ? setOpen(true) : onSignIn())}>{t.detail.contact}</button>
        {!user ? <p className="hint">{t.detail.contactSignIn}</p> : null}
      </div>
    );
  }
  const send = async (event: React.FormEvent) => {
    event.preventDefault();
    const checked = ContactRequestCreateSchema.safeParse({ message, consent: { version: CONSENT_TEXTS.shareContact.version } });
    if (!checked.success) return setProblem(t.detail.contactTooShort);
    if (!consent) return setProblem(t.detail.consentNeeded);
    setBusy(true);
    setProblem(null);
    try {
      await requestContact(asset.id, message.trim());
      setSent(true);
    } catch (err) {
      setProblem(
        err instanceof ApiError && err.status === 404 ? t.detail.notReachable
        : err instanceof ApiError && err.fields.some((f) => f.field === 'params.id') ? t.detail.ownEntry
        : generalMessage(err, t),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="detail-form" onSubmit={send} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t.detail.contact}</h3>
      <p className="hint">{t.detail.contactIntro}</p>
      <label htmlFor={`${id}-message`}>{t.detail.contactMessage}</label>
      <textarea id={`${id}-message`} rows={4} maxLength={1000} value={message} onChange={(event) => setMessage(event.target.value)} />
      <label className="check">
        <input type="checkbox" checked={consent} onChange={(event) => setConsent(event.target.checked)} />
        <span>{CONSENT_TEXTS.shareContact.text[language]}</span>
      </label>
      <ErrorSummary message={problem} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{t.detail.send}</button>
        <button type="button" className="link" onClick={() => setOpen(false)}>{t.mine.cancel}</button>
      </div>
    </form>
  );
}

/** "Melden": anyone, signed in or not, can say an entry is wrong, gone or hurtful. */
function ReportEntry({ asset }: { asset: Asset }) {
  const { t, label } = useI18n();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  if (result) return <p role="status" className="notice">{result}</p>;
  if (!open) {
    return (
      <div className="detail-action report">
        <button type="button" className="link" onClick={() => setOpen(true)}>{t.detail.report}</button>
      </div>
    );
  }
  const send = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!reason) return setProblem(t.detail.reasonNeeded);
    setBusy(true);
    setProblem(null);
    try {
      const receipt = await reportAsset(asset.id, { reason, ...(message.trim() ? { message: message.trim() } : {}) });
      setResult(receipt.counted ? t.detail.reported : t.detail.reportedBefore);
    } catch (err) {
      setProblem(generalMessage(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="detail-form" onSubmit={send} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t.detail.report}</h3>
      <label htmlFor={`${id}-reason`}>{t.detail.reason}</label>
      <select id={`${id}-reason`} value={reason} onChange={(event) => setReason(event.target.value)}>
        <option value="">{t.contribute.choose}</option>
        {REPORT_REASONS.map((r) => <option key={r.code} value={r.code}>{label(r.label)}</option>)}
      </select>
      <label htmlFor={`${id}-message`}>{t.detail.reportMessage}</label>
      <textarea id={`${id}-message`} rows={3} maxLength={1000} value={message} onChange={(event) => setMessage(event.target.value)} />
      <ErrorSummary message={problem} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{t.detail.sendReport}</button>
        <button type="button" className="link" onClick={() => setOpen(false)}>{t.mine.cancel}</button>
      </div>
    </form>
  );
}
