import { useEffect, useRef, useState } from 'react';
import { type AskMatch, AssetPageSchema, type Asset, type Availability, EXCHANGE_TYPES, MATCH_RADII, type Place, type TalentCandidate, isMatchableAsk } from '@kwartier/shared';
import { request } from '../../api/client.ts';
import { asksForClient, proposeMatch, talentsForAsk } from '../../api/matching.ts';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { useSession } from '../../state/session.tsx';
import { generalMessage } from '../../components/forms.tsx';
import { PlaceSearch } from '../search/PlaceSearch.tsx';
import { AskMatchList } from './AskMatches.tsx';
import { MatchList } from './MatchList.tsx';
import { ProposeForm, Reasons, bandName, categoryName, skillNames } from './Reasons.tsx';
import { AvailabilityPicker, NeedsPicker, SkillPicker } from './TalentFields.tsx';

/** Only the edges of the distance bands: the server accepts no other radius. */
const RADII = MATCH_RADII;

/** "Matches": my matches, and for professionals the search for talents and for a client's fit. */
export function MatchingPage({ onSignIn }: { onSignIn: () => void }) {
  const { t } = useI18n();
  const { user, may } = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  if (user === undefined) return <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p>;
  return (
    <section className="page matching" aria-labelledby="matching-title" data-testid="matching-page">
      <h2 id="matching-title" tabIndex={-1} ref={heading}>{t.matching.title}</h2>
      <p className="hint">{t.matching.intro}</p>
      {user === null ? (
        <>
          <p>{t.matching.signInFirst}</p>
          <button type="button" className="primary" onClick={onSignIn}>{t.account.signIn}</button>
        </>
      ) : (
        <>
          <MatchList />
          {may('matchOnBehalf') ? <FindTalents /> : null}
          {may('matchOnBehalf') ? <ForClient /> : null}
        </>
      )}
    </section>
  );
}

function RadiusSelect({ value, onChange }: { value: number; onChange: (radius: number) => void }) {
  const { t } = useI18n();
  return (
    <label>
      <span>{t.matching.radius}</span>{' '}
      <select value={value} style={{ width: 'auto' }} onChange={(event) => onChange(Number(event.target.value))}>
        {RADII.map((r) => <option key={r} value={r}>{r >= 1000 ? `${r / 1000} km` : `${r} m`}</option>)}
      </select>
    </label>
  );
}

/** A professional looks up a place with an ask and sees the talents that fit it, anonymously. */
function FindTalents() {
  const i18n = useI18n();
  const { t, label } = i18n;
  const [text, setText] = useState('');
  const [assets, setAssets] = useState<Asset[] | null>(null);
  const [chosen, setChosen] = useState<{ asset: Asset; askIndex: number } | null>(null);
  const [radius, setRadius] = useState(5000);
  const [candidates, setCandidates] = useState<TalentCandidate[] | null>(null);
  const [fewerThan, setFewerThan] = useState<number | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [proposed, setProposed] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const search = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const page = await request(`/api/assets?q=${encodeURIComponent(text.trim())}&limit=50`, AssetPageSchema);
      setAssets(page.items.filter((asset) => asset.kind !== 'talent' && asset.asks.some(isMatchableAsk)));
    } catch (err) {
      setError(generalMessage(err, t));
    }
  };

  useEffect(() => {
    if (!chosen) return;
    const controller = new AbortController();
    setCandidates(null);
    talentsForAsk(chosen.asset.id, chosen.askIndex, radius, controller.signal).then((list) => {
      setFewerThan(list.fewerThanMinimum ? list.minimum : null);
      setCandidates(list.items);
    }, (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setError(generalMessage(err, t));
    });
    return () => controller.abort();
  }, [chosen, radius, t]);

  return (
    <section aria-labelledby="find-talents-title" data-testid="find-talents">
      <h3 id="find-talents-title">{t.matching.findTalents}</h3>
      <p className="hint">{t.matching.findTalentsIntro}</p>
      <form className="form inline-fields" role="search" onSubmit={(event) => void search(event)}>
        <label className="grow">
          <span>{t.matching.searchAsset}</span>
          <input type="search" value={text} maxLength={200} onChange={(event) => setText(event.target.value)} />
        </label>
        <button type="submit" className="secondary" disabled={text.trim().length < 1}>{t.matching.search}</button>
      </form>
      {error ? <p role="alert" className="message error">{error}</p> : null}
      {assets?.length === 0 ? <p>{t.matching.noAssetAsks}</p> : null}
      {assets && assets.length > 0 ? (
        <ul className="cards" data-testid="assets-with-asks">
          {assets.map((asset) => (
            <li key={asset.id} className="card">
              <strong>{asset.name}</strong>
              <p className="meta">{categoryName(asset.category, i18n)}{asset.gemeente ? ` · ${asset.gemeente.name}` : ''}</p>
              <div className="actions">
                {asset.asks.map((ask, askIndex) =>
                  isMatchableAsk(ask) ? (
                    <button key={askIndex} type="button" className="secondary" aria-pressed={chosen?.asset.id === asset.id && chosen.askIndex === askIndex}
                      onClick={() => { setChosen({ asset, askIndex }); setOpen(null); setNotice(null); }}>
                      {label(EXCHANGE_TYPES.find((x) => x.code === ask.type)!.label)}: {ask.description}
                    </button>
                  ) : null,
                )}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      {chosen ? (
        <div data-testid="candidates">
          <h4>{t.matching.candidates(chosen.asset.asks[chosen.askIndex]!.description)}</h4>
          <p className="hint">{t.matching.anonymousNote}</p>
          <RadiusSelect value={radius} onChange={setRadius} />
          {notice ? <p role="status" className="notice">{notice}</p> : null}
          {candidates === null ? <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
          {candidates?.length === 0 ? <p data-testid="no-candidates">{fewerThan !== null ? t.matching.fewerThanMinimum(fewerThan) : t.matching.noCandidates}</p> : null}
          <ol className="cards">
            {candidates?.map((candidate, index) => (
              <li key={candidate.candidate} className="card" data-testid="candidate">
                <div className="card-head">
                  <strong>{t.matching.anonymousTalent(categoryName(candidate.category, i18n))}</strong>
                  <span className="status">{t.matching.score(candidate.score)}</span>
                </div>
                <p className="meta">{skillNames(candidate.skills, i18n)} · {bandName(candidate.distanceBand, i18n)}</p>
                <Reasons reasons={candidate.reasons} score={candidate.score} />
                {candidate.alreadyProposed || proposed.has(String(index)) ? (
                  <p className="meta">✓ {t.matching.alreadyProposed}</p>
                ) : open === String(index) ? (
                  <ProposeForm
                    needsConsent
                    onCancel={() => setOpen(null)}
                    onSend={async (message) => {
                      try {
                        await proposeMatch({ assetId: chosen.asset.id, askIndex: chosen.askIndex, candidate: candidate.candidate, asSide: true, ...(message ? { message } : {}) });
                        setProposed((current) => new Set(current).add(String(index)));
                        setOpen(null);
                        setNotice(t.matching.proposedNotice);
                      } catch (err) {
                        setError(generalMessage(err, t));
                      }
                    }}
                  />
                ) : (
                  <div className="actions">
                    <button type="button" className="secondary" onClick={() => setOpen(String(index))}>{t.matching.propose}</button>
                  </div>
                )}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}

/** A professional describes a client without an account, sees what fits, and proposes for them. */
function ForClient() {
  const { t } = useI18n();
  const [clientLabel, setClientLabel] = useState('');
  const [skills, setSkills] = useState<string[]>([]);
  const [availability, setAvailability] = useState<Availability>([]);
  const [needs, setNeeds] = useState<string[]>([]);
  const [place, setPlace] = useState<Place | null>(null);
  const [radius, setRadius] = useState(5000);
  const [items, setItems] = useState<AskMatch[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const description = () => ({
    skills,
    availability,
    needsInclusion: needs,
    location: { type: 'Point' as const, coordinates: [place!.lon, place!.lat] as [number, number] },
  });
  const search = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!place) return setError(t.matching.needPlace);
    try {
      setItems((await asksForClient(description(), radius)).items);
    } catch (err) {
      setError(generalMessage(err, t));
    }
  };

  return (
    <section aria-labelledby="for-client-title" data-testid="for-client">
      <h3 id="for-client-title">{t.matching.forClient}</h3>
      <p className="hint">{t.matching.forClientIntro}</p>
      <div className="form">
        <label>
          <span>{t.matching.clientLabel}</span>
          <input type="text" value={clientLabel} maxLength={20} onChange={(event) => setClientLabel(event.target.value)} />
        </label>
        <SkillPicker value={skills} onChange={setSkills} legend={t.matching.clientSkills} />
        <AvailabilityPicker value={availability} onChange={setAvailability} legend={t.matching.clientAvailability} />
        <NeedsPicker value={needs} onChange={setNeeds} legend={t.matching.clientNeeds} />
        <fieldset className="checks">
          <legend>{t.matching.clientPlace}</legend>
          <PlaceSearch insideForm onChoose={setPlace} />
          {place ? <p className="meta" data-testid="client-place">{t.matching.clientPlaceChosen(place.label)}</p> : null}
        </fieldset>
        <RadiusSelect value={radius} onChange={setRadius} />
        <div className="actions">
          <button type="button" className="primary" disabled={skills.length === 0} onClick={(event) => void search(event)}>{t.matching.findAsks}</button>
        </div>
      </div>
      {error ? <p role="alert" className="message error">{error}</p> : null}
      {items?.length === 0 ? <p>{t.matching.noAsks}</p> : null}
      {items && items.length > 0 ? (
        <AskMatchList
          items={items}
          needsConsent
          forClient
          onPropose={async (item, message) =>
            (await proposeMatch({ assetId: item.asset.id, askIndex: item.askIndex, client: { ...description(), label: clientLabel.trim() }, ...(message ? { message } : {}) })).id}
        />
      ) : null}
    </section>
  );
}
