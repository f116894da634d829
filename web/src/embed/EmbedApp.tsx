import { useEffect, useMemo, useRef, useState } from 'react';
import { ASSET_KINDS, CATEGORIES, CHARACTERISTICS, INCLUSION_FEATURES, SOCIAL_CAPITAL_TYPES, TARGET_GROUPS, type AreaFeature, type Asset, type AssetPage, type Label } from '@kwartier/shared';
import { I18nContext, i18nFor } from '../i18n/I18nContext.tsx';
import { KindSwatch } from '../features/search/Filters.tsx';
import { ScheduleText } from '../components/ScheduleText.tsx';
import { EmbedMap, type EmbedView } from './EmbedMap.tsx';
import { appLink, filterQuery, getPublic, type EmbedState } from './embedState.ts';

const PAGE_SIZE = 50;
type ClientConfig = { dataBounds: [number, number, number, number] | null };

/** The preset filters by name, for the heading: "Initiatief · Prikkelarm · “koffie”". */
function filterNames(state: EmbedState, label: (l: Label) => string, openNow: string): string[] {
  // Categories say more than their kinds: with categories chosen, the kinds go unnamed.
  const groups = [
    ...(state.filters.category ? [] : [['kind', ASSET_KINDS]] as const), ['category', CATEGORIES], ['socialCapital', SOCIAL_CAPITAL_TYPES],
    ['inclusion', INCLUSION_FEATURES], ['targetGroup', TARGET_GROUPS], ['characteristic', CHARACTERISTICS],
  ] as const;
  const names = groups.flatMap(([name, terms]) =>
    (state.filters[name]?.split(',') ?? [])
      .map((code) => (terms as ReadonlyArray<{ code: string; label: Label }>).find((term) => term.code === code))
      .filter((term) => term !== undefined)
      .map((term) => label(term.label)),
  );
  if (state.filters.openNow === 'true') names.push(openNow);
  if (state.filters.q) names.push(`“${state.filters.q}”`);
  return names;
}

/** The embeddable map and its list: what the preset filters find, anonymously, in one language. */
export function EmbedApp({ state }: { state: EmbedState }) {
  const i18n = useMemo(() => i18nFor(state.language), [state.language]);
  const { t, label } = i18n;
  const query = useMemo(() => filterQuery(state.filters), [state.filters]);
  const [ready, setReady] = useState<{ areas: AreaFeature[]; bounds: ClientConfig['dataBounds'] } | null>(null);
  const [items, setItems] = useState<Asset[] | null>(null);
  // The count comes capped (COUNT_CAP): past it, more pages come as long as a page comes full.
  const [count, setCount] = useState({ total: 0, capped: false, lastPageFull: false });
  const [loading, setLoading] = useState(false);
  const [unavailable, setUnavailable] = useState(false);
  const [selected, setSelected] = useState<Asset | null>(null);
  const [focus, setFocus] = useState<{ lon: number; lat: number; key: string } | null>(null);
  const [view, setView] = useState<EmbedView | null>(null);
  const listRef = useRef<HTMLOListElement>(null);

  // The areas (their outline and extent) and where the data is, before the map is made.
  useEffect(() => {
    Promise.all([
      Promise.all(state.areas.map((code) => getPublic<AreaFeature>(`/api/areas/${encodeURIComponent(code)}`))),
      state.areas.length > 0 ? Promise.resolve({ dataBounds: null }) : getPublic<ClientConfig>('/api/client-config'),
    ]).then(
      ([areas, config]) => setReady({ areas, bounds: config.dataBounds }),
      () => setReady({ areas: [], bounds: null }),
    );
  }, [state.areas]);

  const loadPage = (offset: number) => {
    setLoading(true);
    const params = new URLSearchParams(query);
    params.set('limit', String(PAGE_SIZE));
    params.set('offset', String(offset));
    getPublic<AssetPage>(`/api/assets?${params}`).then(
      (page) => {
        setUnavailable(false);
        setItems((before) => [...(offset === 0 ? [] : (before ?? [])), ...page.items]);
        setCount({ total: page.total, capped: page.totalCapped, lastPageFull: page.items.length === PAGE_SIZE });
        setLoading(false);
      },
      () => {
        setUnavailable(true);
        setLoading(false);
      },
    );
  };
  useEffect(() => loadPage(0), [query]); // eslint-disable-line react-hooks/exhaustive-deps

  const select = (asset: Asset, fly: boolean) => {
    setSelected(asset);
    if (fly) setFocus({ lon: asset.location.coordinates[0], lat: asset.location.coordinates[1], key: asset.id });
  };
  /** A click on the map: the entry in the list, or fetched when its page of the list is not loaded. */
  const selectFromMap = (id: string) => {
    const known = items?.find((asset) => asset.id === id);
    if (known) select(known, false);
    else getPublic<Asset>(`/api/assets/${encodeURIComponent(id)}`).then((asset) => select(asset, false), () => {});
  };
  useEffect(() => {
    if (selected) listRef.current?.querySelector(`[data-asset-id="${selected.id}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const names = filterNames(state, label, t.openNow);
  const areaNames = ready?.areas.map((area) => area.properties.name) ?? [];
  const heading = [names.length > 0 ? names.join(' · ') : t.embed.allAssets, areaNames.length > 0 ? t.embed.inArea(areaNames.join(', ')) : ''].filter(Boolean).join(' ');
  const selectedOutside = selected && !items?.some((asset) => asset.id === selected.id) ? selected : null;

  return (
    <I18nContext.Provider value={i18n}>
      <div className="embed">
        <header className="embed-header">
          <h1>
            <span className="embed-brand">Kwartier</span> <span className="embed-heading" title={heading}>{heading}</span>
          </h1>
          <a className="embed-open" href={appLink(state, view)} target="_blank" rel="noopener">
            {t.embed.openInKwartier} <span aria-hidden="true">↗</span><span className="visually-hidden"> {t.embed.newTab}</span>
          </a>
        </header>
        <div className="embed-body">
          <div className="embed-map">
            {ready ? (
              <EmbedMap
                tileQuery={query.toString()}
                areas={ready.areas}
                bounds={ready.bounds}
                selected={selected?.id ?? null}
                focus={focus}
                onSelect={selectFromMap}
                onViewChange={setView}
              />
            ) : null}
          </div>
          <section className="embed-list" aria-label={t.embed.listLabel}>
            {unavailable ? (
              <p role="alert" className="embed-message">{t.serverDown}</p>
            ) : items === null ? (
              <p className="embed-message" aria-live="polite">{t.loading}</p>
            ) : items.length === 0 ? (
              <p className="embed-message" aria-live="polite">{t.nothingFound}</p>
            ) : (
              <>
                <p className="embed-count" aria-live="polite">{t.resultsCount(count.total, count.capped)}</p>
                {selectedOutside ? <ol className="embed-results"><Entry asset={selectedOutside} selected onSelect={() => {}} state={state} /></ol> : null}
                <ol className="embed-results" data-testid="results" ref={listRef}>
                  {items.map((asset) => (
                    <Entry key={asset.id} asset={asset} selected={asset.id === selected?.id} onSelect={() => select(asset, true)} state={state} />
                  ))}
                </ol>
                {items.length < count.total || (count.capped && count.lastPageFull) ? (
                  <button type="button" className="embed-more" disabled={loading} onClick={() => loadPage(items.length)}>
                    {loading ? t.loading : t.embed.more}
                  </button>
                ) : null}
              </>
            )}
          </section>
        </div>
      </div>
    </I18nContext.Provider>
  );
}

/** One place: its name and kind, and when chosen its address, contact and times. */
function Entry({ asset, selected, onSelect, state }: { asset: Asset; selected: boolean; onSelect: () => void; state: EmbedState }) {
  const { t, label } = i18nFor(state.language);
  const kind = ASSET_KINDS.find((k) => k.code === asset.kind);
  const category = CATEGORIES.find((c) => c.code === asset.category);
  const address = [[asset.address.street, asset.address.houseNumber].filter(Boolean).join(' '), asset.address.city].filter(Boolean).join(', ');
  const [lon, lat] = asset.location.coordinates;
  return (
    <li className={selected ? 'embed-entry selected' : 'embed-entry'} data-asset-id={asset.id}>
      <button type="button" className="result" aria-expanded={selected} onClick={onSelect}>
        <KindSwatch kind={asset.kind} />
        <span className="result-text">
          <strong>{asset.name}</strong>
          <span className="meta">
            {category ? label(category.label) : kind ? label(kind.label) : asset.kind}
            {asset.buurt ? ` · ${asset.buurt.name}` : ''}
          </span>
        </span>
      </button>
      {selected ? (
        <div className="embed-detail">
          {asset.description ? <p>{asset.description.length > 280 ? `${asset.description.slice(0, 277)}…` : asset.description}</p> : null}
          {address ? <p>{address}</p> : null}
          {asset.contact.phone ? <p><a href={`tel:${asset.contact.phone}`}>{asset.contact.phone}</a></p> : null}
          {asset.contact.website ? <p><a href={asset.contact.website} target="_blank" rel="noopener noreferrer">{t.embed.website}</a></p> : null}
          <ScheduleText schedule={asset.schedule} />
          <p>
            <a href={appLink(state, { lon, lat, zoom: 16 }, asset.id)} target="_blank" rel="noopener">
              {t.embed.openInKwartier} <span aria-hidden="true">↗</span><span className="visually-hidden"> {t.embed.newTab}</span>
            </a>
          </p>
        </div>
      ) : null}
    </li>
  );
}
