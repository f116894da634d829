import { useCallback, useEffect, useState } from 'react';
import type { AskMatch, Availability, ManagedAsset } from '@kwartier/shared';
import { myAssets } from '../../api/contributions.ts';
import { asksForTalent, proposeMatch, setTalentProfile } from '../../api/matching.ts';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { generalMessage } from '../../components/forms.tsx';
import { AskMatchList } from './AskMatches.tsx';
import { AvailabilityPicker, NeedsPicker, SkillPicker } from './TalentFields.tsx';

const MATCHABLE = new Set(['published', 'pending', 'changes_requested']);

/** "Wat past bij mij", on Mijn bijdragen: for each of my talents, the asks that fit it. */
export function WhatFitsMe() {
  const { t } = useI18n();
  const [talents, setTalents] = useState<ManagedAsset[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    myAssets(controller.signal).then(
      (page) => setTalents(page.items.filter((entry) => entry.kind === 'talent' && MATCHABLE.has(entry.status))),
      (err: unknown) => { if ((err as Error).name !== 'AbortError') setError(generalMessage(err, t)); },
    );
    return () => controller.abort();
  }, [t]);

  return (
    <section aria-labelledby="fits-me-title" data-testid="what-fits-me">
      <h3 id="fits-me-title">{t.matching.fitsMe}</h3>
      <p className="hint">{t.matching.fitsMeIntro}</p>
      {error ? <p role="alert" className="message error">{error}</p> : null}
      {talents === null && !error ? <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
      {talents?.length === 0 ? <p>{t.matching.noTalents}</p> : null}
      {talents?.map((talent) => <TalentFits key={talent.id} talent={talent} />)}
    </section>
  );
}

function TalentFits({ talent }: { talent: ManagedAsset }) {
  const { t } = useI18n();
  const [items, setItems] = useState<AskMatch[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [skills, setSkills] = useState<string[]>(talent.skills ?? []);
  const [availability, setAvailability] = useState<Availability>(talent.availability ?? []);
  const [needs, setNeeds] = useState<string[]>(talent.needsInclusion ?? []);
  const [saved, setSaved] = useState(false);

  const load = useCallback((signal?: AbortSignal) => {
    asksForTalent(talent.id, 5000, signal).then((list) => setItems(list.items), (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setError(generalMessage(err, t));
    });
  }, [talent.id, t]);
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const save = async () => {
    setError(null);
    try {
      await setTalentProfile(talent.id, { skills: skills as never, availability, needsInclusion: needs as never });
      setSaved(true);
      setEditing(false);
      load();
    } catch (err) {
      setError(generalMessage(err, t));
    }
  };

  return (
    <div className="card" data-testid="talent-fits">
      <div className="card-head">
        <strong>{t.matching.forTalent(talent.name)}</strong>
        <button type="button" className="link" aria-expanded={editing} onClick={() => setEditing((open) => !open)}>{t.matching.profile}</button>
      </div>
      {saved ? <p role="status" className="notice">{t.matching.profileSaved}</p> : null}
      {editing ? (
        <div className="form">
          <p className="hint">{t.matching.profileHint}</p>
          <SkillPicker value={skills} onChange={setSkills} />
          <AvailabilityPicker value={availability} onChange={setAvailability} />
          <NeedsPicker value={needs} onChange={setNeeds} />
          <div className="actions"><button type="button" className="primary" onClick={() => void save()}>{t.matching.saveProfile}</button></div>
        </div>
      ) : null}
      {error ? <p role="alert" className="message error">{error}</p> : null}
      {items === null && !error ? <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
      {items?.length === 0 ? <p>{t.matching.noAsks}</p> : null}
      {items && items.length > 0 ? (
        <AskMatchList
          items={items}
          needsConsent
          onPropose={async (item, message) =>
            (await proposeMatch({ assetId: item.asset.id, askIndex: item.askIndex, talentId: talent.id, asSide: true, ...(message ? { message } : {}) })).id}
        />
      ) : null}
    </div>
  );
}
