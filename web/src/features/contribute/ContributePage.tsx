import { useEffect, useId, useRef, useState } from 'react';
import {
  ASSET_KINDS,
  AssetCreateSchema,
  AssetUpdateSchema,
  CATEGORIES,
  CHARACTERISTICS,
  CONSENT_TEXTS,
  EXCHANGE_TYPES,
  INCLUSION_FEATURES,
  LOCATION_PRECISIONS,
  SOCIAL_CAPITAL_TYPES,
  TARGET_GROUPS,
  type Exchange,
  type Label,
  type ManagedAsset,
} from '@kwartier/shared';
import { getManagedAsset, submitAsset, updateAsset } from '../../api/contributions.ts';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { useSession } from '../../state/session.tsx';
import { ErrorSummary, Field, FieldProblems, generalMessage, problemsAt, problemsOf, schemaProblems, type Problems } from '../../components/forms.tsx';
import { PlaceSearch } from '../search/PlaceSearch.tsx';
import { KindSwatch } from '../search/Filters.tsx';
import { ScheduleEditor } from './ScheduleEditor.tsx';
import { PrivacyPreview } from './PrivacyPreview.tsx';
import { TalentMatchFields } from '../matching/TalentFields.tsx';
import { EMPTY_DRAFT, addressFromLabel, changesOf, draftOf, fieldsOf, submissionOf, type AssetDraft, type Point } from './assetForm.ts';

/** Residents' own kinds first: what they most often add. */
const KIND_ORDER = ['initiative', 'talent', 'association', 'facility', 'business', 'contact_point', 'public_space'] as const;
const KINDS = KIND_ORDER.map((code) => ASSET_KINDS.find((kind) => kind.code === code)!);
/** Languages offered as checkboxes; others can be typed as two-letter codes. */
const COMMON_LANGUAGES = ['nl', 'en', 'ar', 'tr', 'pl', 'uk', 'so', 'ti', 'fa', 'es', 'fr', 'de'];

type Props = {
  /** The entry being edited, or null for a new one. */
  editId: string | null;
  place: Point | null;
  onPlace: (place: Point | null) => void;
  onFlyTo: (place: Point) => void;
  onSignIn: () => void;
  onMine: () => void;
  onNew: () => void;
};

/**
 * "Zet iets op de kaart": a new entry, or a change to one's own. The place comes from a click on
 * the map or from an address; the preview says who will see what before anything is sent.
 */
export function ContributePage({ editId, place, onPlace, onFlyTo, onSignIn, onMine, onNew }: Props) {
  const { t, label, language } = useI18n();
  const { user, may } = useSession();
  const [draft, setDraft] = useState<AssetDraft>(EMPTY_DRAFT);
  const [original, setOriginal] = useState<ManagedAsset | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [consent, setConsent] = useState(false);
  const [problems, setProblems] = useState<Problems>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ManagedAsset | null>(null);
  const [otherLanguage, setOtherLanguage] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  const doneHeading = useRef<HTMLHeadingElement>(null);
  const placeStatus = useRef<HTMLParagraphElement>(null);
  const formId = useId();

  useEffect(() => {
    heading.current?.focus();
  }, []);

  useEffect(() => {
    if (!editId || !user) return;
    const controller = new AbortController();
    getManagedAsset(editId, controller.signal).then(
      (asset) => {
        setOriginal(asset);
        setDraft(draftOf(asset));
        const [lon, lat] = asset.exactLocation.coordinates;
        onPlace({ lon, lat });
        onFlyTo({ lon, lat });
      },
      (err: unknown) => {
        if ((err as Error).name !== 'AbortError') setLoadError(generalMessage(err, t));
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editId, user?.id]);

  useEffect(() => {
    if (done) doneHeading.current?.focus();
  }, [done]);

  if (user === undefined) return <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p>;
  if (user === null) {
    return (
      <section className="page" aria-labelledby="contribute-title">
        <h2 id="contribute-title" tabIndex={-1} ref={heading}>{t.contribute.title}</h2>
        <p>{t.contribute.signInFirst}</p>
        <button type="button" className="primary" onClick={onSignIn}>{t.account.signIn}</button>
      </section>
    );
  }

  if (done) {
    return (
      <section className="page confirmation" aria-labelledby="done-title" data-testid="contribute-done">
        <h2 id="done-title" tabIndex={-1} ref={doneHeading}>{editId ? t.contribute.savedTitle : t.contribute.submittedTitle}</h2>
        <p>{done.status === 'pending' ? t.contribute.submittedText : t.contribute.savedText}</p>
        <div className="actions">
          <button type="button" className="primary" onClick={onMine}>{t.account.mine}</button>
          <button type="button" className="secondary" onClick={onNew}>{t.contribute.another}</button>
        </div>
      </section>
    );
  }

  const set = <K extends keyof AssetDraft>(key: K, value: AssetDraft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const at = (path: string) => problemsAt(problems, path);
  const isTalent = draft.kind === 'talent';
  const categories = CATEGORIES.filter((category) => category.kind === draft.kind);
  const lockedKind = original?.kind === 'talent';
  const startsSharing = original !== null && draft.shareContactWithProfessionals && !original.shareContactWithProfessionals;
  // A moderator's "no" stands: a rejected or withdrawn entry is added again as a new one.
  const closed = original !== null && (original.status === 'rejected' || original.status === 'archived') && !may('moderate');

  const chooseKind = (kind: AssetDraft['kind']) =>
    setDraft((current) => ({
      ...current,
      kind,
      category: CATEGORIES.some((c) => c.code === current.category && c.kind === kind) ? current.category : '',
      // A talent is never shown at its exact place; others start exact, as most are buildings.
      precision: kind === 'talent' && current.precision === 'exact' ? 'street' : current.precision,
    }));

  const labels: Record<string, string> = {
    kind: t.kind, category: t.category, name: t.contribute.name, description: t.contribute.description, location: t.contribute.place,
    precision: t.contribute.precision, address: t.contribute.address, contact: t.detailContact, schedule: t.detailWhen,
    languages: t.contribute.languages, socialCapital: t.socialCapital, inclusionFeatures: t.inclusion, targetGroups: t.targetGroup,
    characteristics: t.characteristic, asks: t.contribute.asks, offers: t.contribute.offers, consent: t.contribute.consent,
    ...Object.fromEntries(Object.entries(t.contribute.contactFields).map(([key, text]) => [`contact.${key}`, text])),
    ...Object.fromEntries(Object.entries(t.contribute.addressFields).map(([key, text]) => [`address.${key}`, text])),
  };

  /** After a failed try the focus goes to the list of problems, which is read out first. */
  const focusSummary = () => requestAnimationFrame(() => document.getElementById(`${formId}-summary`)?.focus());

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setMessage(null);
    // Checked first with the schema the server uses: the same fields, in the person's language.
    const patch = original ? changesOf(fieldsOf(draftOf(original), pointOf(original)), fieldsOf(draft, place)) : null;
    // Starting to share contact details with professionals asks for consent again, on an edit too.
    if (patch && startsSharing) patch.consent = { version: CONSENT_TEXTS.publish.version };
    const body = patch ?? submissionOf(draft, place);
    const checked = patch ? AssetUpdateSchema.safeParse(patch) : AssetCreateSchema.safeParse(body);
    let found = checked.success ? [] : schemaProblems(checked.error, t).filter((problem) => problem.field !== 'body');
    if (!place) found = [{ field: 'body.location', message: t.contribute.pickPlaceFirst }, ...found.filter((problem) => !problem.field.startsWith('body.location'))];
    if ((!patch || startsSharing) && !consent) found.push({ field: 'body.consent', message: t.contribute.consentRequired });
    if (patch && Object.keys(patch).length === 0) {
      setProblems([]);
      setMessage(t.contribute.nothingChanged);
      return;
    }
    setProblems(found);
    if (found.length > 0) {
      setMessage(t.errors.checkFields);
      focusSummary();
      return;
    }
    setBusy(true);
    try {
      setDone(original && patch ? await updateAsset(original.id, patch) : await submitAsset(body));
    } catch (err) {
      setProblems(problemsOf(err));
      setMessage(generalMessage(err, t));
      focusSummary();
    } finally {
      setBusy(false);
    }
  };

  const checkboxes = (key: 'socialCapital' | 'inclusionFeatures' | 'targetGroups' | 'characteristics', legend: string, terms: ReadonlyArray<{ code: string; label: Label; description?: Label }>) => (
    <fieldset className="checks">
      <legend>{legend}</legend>
      {terms.map((term) => (
        <label key={term.code} className="check">
          <input
            type="checkbox"
            checked={draft[key].includes(term.code)}
            onChange={() => set(key, draft[key].includes(term.code) ? draft[key].filter((c) => c !== term.code) : [...draft[key], term.code])}
          />
          <span>{label(term.label)}{term.description ? <span className="meta"> · {label(term.description)}</span> : null}</span>
        </label>
      ))}
      <FieldProblems id={`${formId}-${key}`} problems={at(key)} />
    </fieldset>
  );

  const exchanges = (key: 'asks' | 'offers', legend: string) => (
    <fieldset className="checks">
      <legend>{legend}</legend>
      {draft[key].map((exchange, index) => (
        <div key={index} className="inline-fields exchange">
          <label>
            <span className="visually-hidden">{t.contribute.exchangeType}</span>
            <select value={exchange.type} onChange={(event) => set(key, draft[key].map((e, i) => (i === index ? { ...e, type: event.target.value as Exchange['type'] } : e)))}>
              {EXCHANGE_TYPES.map((type) => <option key={type.code} value={type.code}>{label(type.label)}</option>)}
            </select>
          </label>
          <label className="grow">
            <span className="visually-hidden">{t.contribute.exchangeDescription}</span>
            <input type="text" value={exchange.description} maxLength={500} placeholder={t.contribute.exchangeDescription}
              onChange={(event) => set(key, draft[key].map((e, i) => (i === index ? { ...e, description: event.target.value } : e)))} />
          </label>
          <button type="button" className="link" aria-label={`${t.contribute.remove}: ${exchange.description || label(EXCHANGE_TYPES.find((x) => x.code === exchange.type)!.label)}`}
            onClick={() => set(key, draft[key].filter((_, i) => i !== index))}>×</button>
        </div>
      ))}
      <button type="button" className="secondary" onClick={() => set(key, [...draft[key], { type: key === 'asks' ? 'volunteers' : 'company', description: '' }])}>
        + {t.contribute.addExchange}
      </button>
      <FieldProblems id={`${formId}-${key}`} problems={at(key)} />
    </fieldset>
  );

  const languageName = (code: string) => {
    try {
      return new Intl.DisplayNames([language], { type: 'language' }).of(code) ?? code;
    } catch {
      return code;
    }
  };

  return (
    <section className="page contribute" aria-labelledby="contribute-title">
      <h2 id="contribute-title" tabIndex={-1} ref={heading}>{editId ? t.contribute.editTitle : t.contribute.title}</h2>
      {loadError ? <p role="alert" className="message error">{loadError}</p> : null}
      {editId && !original && !loadError ? <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
      {original?.moderationMessage && (original.status === 'changes_requested' || original.status === 'rejected') ? (
        <div className="moderator-message" role="note">
          <strong>{t.mine.moderatorSays}</strong>
          <p>{original.moderationMessage}</p>
        </div>
      ) : null}
      {closed ? (
        <>
          <p role="alert" className="message">{t.contribute.cannotEdit}</p>
          <button type="button" className="primary" onClick={onNew}>{t.contribute.another}</button>
        </>
      ) : editId && !original ? null : (
        <form onSubmit={submit} noValidate aria-describedby={`${formId}-intro`}>
          <p id={`${formId}-intro`} className="hint">{editId ? t.contribute.editIntro : t.contribute.intro}</p>

          <fieldset className="kinds">
            <legend>{t.contribute.whatKind}</legend>
            {KINDS.map((kind) => (
              <label key={kind.code} className="check kind-option">
                <input type="radio" name="kind" value={kind.code} checked={draft.kind === kind.code} disabled={lockedKind && kind.code !== 'talent'} onChange={() => chooseKind(kind.code)} />
                <KindSwatch kind={kind.code} />
                <span><strong>{label(kind.label)}</strong><span className="meta"> · {label(kind.description)}</span></span>
              </label>
            ))}
            <FieldProblems id={`${formId}-kind`} problems={at('kind')} />
          </fieldset>

          <Field label={t.category} problems={at('category')} hint={draft.kind ? undefined : t.contribute.chooseKindFirst}>
            {(props) => (
              <select {...props} value={draft.category} disabled={!draft.kind} onChange={(event) => set('category', event.target.value)}>
                <option value="">{t.contribute.choose}</option>
                {categories.map((category) => <option key={category.code} value={category.code}>{label(category.label)}</option>)}
              </select>
            )}
          </Field>

          <Field label={t.contribute.name} problems={at('name')} hint={isTalent ? t.contribute.nameHintTalent : undefined}>
            {(props) => <input {...props} type="text" value={draft.name} maxLength={200} required onChange={(event) => set('name', event.target.value)} />}
          </Field>

          <Field label={t.contribute.description} problems={at('description')}>
            {(props) => <textarea {...props} rows={4} value={draft.description} maxLength={5000} onChange={(event) => set('description', event.target.value)} />}
          </Field>

          <fieldset className={at('location').length > 0 ? 'place invalid' : 'place'}>
            <legend>{t.contribute.place}</legend>
            <p className="hint">{t.contribute.placeHint}</p>
            <p ref={placeStatus} tabIndex={-1} role="status" className={place ? 'place-chosen' : 'place-missing'} data-testid="place-status">
              {place ? t.contribute.placeChosen(place.lat.toFixed(5), place.lon.toFixed(5)) : t.contribute.noPlaceYet}
            </p>
            <PlaceSearch
              insideForm
              onChoose={(found) => {
                const point = { lon: found.lon, lat: found.lat };
                onPlace(point);
                onFlyTo(point);
                const parsed = found.type === 'address' ? addressFromLabel(found.label) : null;
                if (parsed && Object.values(draft.address).every((value) => value.trim() === '')) set('address', parsed);
                placeStatus.current?.focus();
              }}
            />
            <FieldProblems id={`${formId}-location`} problems={at('location')} />
          </fieldset>

          <fieldset className="precision">
            <legend>{t.contribute.precision}</legend>
            {LOCATION_PRECISIONS.map((precision) => {
              const disabled = isTalent && precision.code === 'exact';
              return (
                <label key={precision.code} className={disabled ? 'check disabled' : 'check'}>
                  <input type="radio" name="precision" value={precision.code} checked={draft.precision === precision.code} disabled={disabled} onChange={() => set('precision', precision.code)} />
                  <span>
                    <strong>{label(precision.label)}</strong>
                    <span className="meta"> · {t.contribute.precisionExplained[precision.code]}{disabled ? ` ${t.contribute.notForTalents}` : ''}</span>
                  </span>
                </label>
              );
            })}
            <FieldProblems id={`${formId}-precision`} problems={at('precision')} />
          </fieldset>

          <fieldset className="address">
            <legend>{t.contribute.address}</legend>
            <div className="inline-fields">
              <Field label={t.contribute.addressFields.street} problems={at('address.street')}>
                {(props) => <input {...props} type="text" autoComplete="address-line1" value={draft.address.street} maxLength={200} onChange={(event) => set('address', { ...draft.address, street: event.target.value })} />}
              </Field>
              <Field label={t.contribute.addressFields.houseNumber} problems={at('address.houseNumber')}>
                {(props) => <input {...props} type="text" className="short" value={draft.address.houseNumber} maxLength={20} onChange={(event) => set('address', { ...draft.address, houseNumber: event.target.value })} />}
              </Field>
            </div>
            <div className="inline-fields">
              <Field label={t.contribute.addressFields.postcode} problems={at('address.postcode')}>
                {(props) => <input {...props} type="text" className="short" autoComplete="postal-code" value={draft.address.postcode} maxLength={10} onChange={(event) => set('address', { ...draft.address, postcode: event.target.value })} />}
              </Field>
              <Field label={t.contribute.addressFields.city} problems={at('address.city')}>
                {(props) => <input {...props} type="text" autoComplete="address-level2" value={draft.address.city} maxLength={100} onChange={(event) => set('address', { ...draft.address, city: event.target.value })} />}
              </Field>
            </div>
          </fieldset>

          <h3>{t.detailWhen}</h3>
          <ScheduleEditor schedule={draft.schedule} onChange={(schedule) => set('schedule', schedule)} problems={at('schedule')} />

          <h3>{t.contribute.aboutIt}</h3>
          {checkboxes('targetGroups', t.targetGroup, TARGET_GROUPS)}
          {checkboxes('inclusionFeatures', t.inclusion, INCLUSION_FEATURES)}
          <fieldset className="checks">
            <legend>{t.contribute.languages}</legend>
            <div className="checks-columns">
              {[...new Set([...COMMON_LANGUAGES, ...draft.languages])].map((code) => (
                <label key={code} className="check">
                  <input type="checkbox" checked={draft.languages.includes(code)} onChange={() => set('languages', draft.languages.includes(code) ? draft.languages.filter((c) => c !== code) : [...draft.languages, code])} />
                  <span>{languageName(code)}</span>
                </label>
              ))}
            </div>
            <div className="inline-fields">
              <label className="grow">
                <span>{t.contribute.otherLanguage}</span>
                <input type="text" value={otherLanguage} maxLength={2} pattern="[a-z]{2}" onChange={(event) => setOtherLanguage(event.target.value.toLowerCase())} />
              </label>
              <button type="button" className="secondary" disabled={!/^[a-z]{2}$/.test(otherLanguage)} onClick={() => {
                if (!draft.languages.includes(otherLanguage)) set('languages', [...draft.languages, otherLanguage]);
                setOtherLanguage('');
              }}>{t.contribute.addLanguage}</button>
            </div>
            <FieldProblems id={`${formId}-languages`} problems={at('languages')} />
          </fieldset>
          {checkboxes('socialCapital', t.socialCapital, SOCIAL_CAPITAL_TYPES)}
          {checkboxes('characteristics', t.characteristic, CHARACTERISTICS)}
          {exchanges('offers', t.contribute.offers)}
          {exchanges('asks', t.contribute.asks)}
          {isTalent ? (
            <TalentMatchFields skills={draft.skills} availability={draft.availability} onSkills={(skills) => set('skills', skills)} onAvailability={(availability) => set('availability', availability)} />
          ) : null}

          <fieldset className="contact">
            <legend>{t.detailContact}</legend>
            <p className="hint">{isTalent ? t.contribute.contactHintTalent : t.contribute.contactHint}</p>
            <Field label={t.contribute.contactFields.email} problems={at('contact.email')}>
              {(props) => <input {...props} type="email" autoComplete="email" value={draft.contact.email} maxLength={254} onChange={(event) => set('contact', { ...draft.contact, email: event.target.value })} />}
            </Field>
            <Field label={t.contribute.contactFields.phone} problems={at('contact.phone')}>
              {(props) => <input {...props} type="tel" autoComplete="tel" value={draft.contact.phone} maxLength={30} onChange={(event) => set('contact', { ...draft.contact, phone: event.target.value })} />}
            </Field>
            <Field label={t.contribute.contactFields.website} problems={at('contact.website')}>
              {(props) => <input {...props} type="url" placeholder="https://" value={draft.contact.website} maxLength={500} onChange={(event) => set('contact', { ...draft.contact, website: event.target.value })} />}
            </Field>
            <Field label={t.contribute.contactFields.contactPerson} problems={at('contact.contactPerson')}>
              {(props) => <input {...props} type="text" value={draft.contact.contactPerson} maxLength={120} onChange={(event) => set('contact', { ...draft.contact, contactPerson: event.target.value })} />}
            </Field>
            <label className="check">
              <input type="checkbox" checked={draft.shareContactWithProfessionals} onChange={(event) => set('shareContactWithProfessionals', event.target.checked)} />
              <span>{t.contribute.shareWithProfessionals}</span>
            </label>
          </fieldset>

          <PrivacyPreview draft={draft} hasPlace={place !== null} />

          {original ? <p className="hint">{t.contribute.reviewAgain}</p> : null}
          {original && !startsSharing ? null : (
            <div className={at('consent').length > 0 ? 'consent invalid' : 'consent'}>
              <label className="check">
                <input type="checkbox" checked={consent} onChange={(event) => setConsent(event.target.checked)} aria-describedby={at('consent').length > 0 ? `${formId}-consent` : undefined} aria-invalid={at('consent').length > 0} />
                <span>{CONSENT_TEXTS.publish.text[language]}</span>
              </label>
              <FieldProblems id={`${formId}-consent`} problems={at('consent')} />
            </div>
          )}

          <ErrorSummary id={`${formId}-summary`} message={message} problems={problems} labels={labels} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>{busy ? t.contribute.sending : original ? t.contribute.save : t.contribute.submit}</button>
          </div>
        </form>
      )}
    </section>
  );
}

function pointOf(asset: ManagedAsset): Point {
  const [lon, lat] = asset.exactLocation.coordinates;
  return { lon, lat };
}
