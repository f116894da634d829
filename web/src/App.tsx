import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ASSET_KINDS, CATEGORIES, CHARACTERISTICS, INCLUSION_FEATURES, SOCIAL_CAPITAL_TYPES, TARGET_GROUPS, type AreaFeature, type Asset, type Label } from '@kwartier/shared';
import { ApiUnavailableError, getAsset, listAssets, nearbyAssets } from './api/client.ts';
import { boundsOf, getAreaFeature } from './api/buurtscan.ts';
import { LANGUAGES } from './i18n/catalogue.ts';
import { I18nContext, i18nFor } from './i18n/I18nContext.tsx';
import { MapView } from './features/map/MapView.tsx';
import { Filters } from './features/search/Filters.tsx';
import { PlaceSearch } from './features/search/PlaceSearch.tsx';
import { ResultList, type Result } from './features/search/ResultList.tsx';
import { EmbedCode } from './features/search/EmbedCode.tsx';
import { AssetDetail } from './features/detail/AssetDetail.tsx';
import { DEFAULT_VIEW, RADII, readState, writeState, type AppState, type BuurtscanState, type Page, type View } from './state/urlState.ts';
import type { Choropleth } from './features/map/MapView.tsx';
import { useSession } from './state/session.tsx';
import type { Point } from './features/contribute/assetForm.ts';

// The account pages load when first opened: most visitors only search.
const LoginPage = lazy(() => import('./features/account/LoginPage.tsx').then((m) => ({ default: m.LoginPage })));
const ContributePage = lazy(() => import('./features/contribute/ContributePage.tsx').then((m) => ({ default: m.ContributePage })));
const MinePage = lazy(() => import('./features/mine/MinePage.tsx').then((m) => ({ default: m.MinePage })));
const ModerationPage = lazy(() => import('./features/moderation/ModerationPage.tsx').then((m) => ({ default: m.ModerationPage })));
const BuurtscanPage = lazy(() => import('./features/buurtscan/BuurtscanPage.tsx').then((m) => ({ default: m.BuurtscanPage })));
const WijkPage = lazy(() => import('./features/wijk/WijkPage.tsx').then((m) => ({ default: m.WijkPage })));
const AgendaPage = lazy(() => import('./features/agenda/AgendaPage.tsx').then((m) => ({ default: m.AgendaPage })));
const MatchingPage = lazy(() => import('./features/matching/MatchingPage.tsx').then((m) => ({ default: m.MatchingPage })));
const UpdatesPage = lazy(() => import('./features/updates/UpdatesPage.tsx').then((m) => ({ default: m.UpdatesPage })));
const SpreidingPage = lazy(() => import('./features/spreiding/SpreidingPage.tsx').then((m) => ({ default: m.SpreidingPage })));
const ImportPage = lazy(() => import('./features/import/ImportPage.tsx').then((m) => ({ default: m.ImportPage })));
const AdminPage = lazy(() => import('./features/admin/AdminPage.tsx').then((m) => ({ default: m.AdminPage })));

/** The names of the filters now set, as a person reads them: "Prikkelarm", "Nu open", "“koffie”". */
function activeFilterNames(filters: AppState['filters'], { t, label }: ReturnType<typeof i18nFor>): string[] {
  const groups = [
    [filters.kind, ASSET_KINDS], [filters.category, CATEGORIES], [filters.socialCapital, SOCIAL_CAPITAL_TYPES],
    [filters.inclusion, INCLUSION_FEATURES], [filters.targetGroup, TARGET_GROUPS], [filters.characteristic, CHARACTERISTICS],
  ] as const;
  const names = groups.flatMap(([codes, terms]) =>
    codes.map((code) => (terms as ReadonlyArray<{ code: string; label: Label }>).find((term) => term.code === code)).filter((term) => term !== undefined).map((term) => label(term.label)),
  );
  if (filters.openNow) names.push(t.openNow);
  if (filters.q) names.push(`“${filters.q}”`);
  return names;
}

type ClientConfig = { mapStyleUrl: string | null; dataBounds: [number, number, number, number] | null };

/** Degrees of a view at a zoom, roughly: enough to ask the list for what the map shows. */
function bboxOf(view: View): [number, number, number, number] {
  const width = Math.min(359, (360 / 2 ** view.zoom) * 2.5);
  const height = Math.min(170, width * 0.6);
  const clamp = (value: number, limit: number) => Math.max(-limit, Math.min(limit, value));
  return [clamp(view.lon - width / 2, 180), clamp(view.lat - height / 2, 85), clamp(view.lon + width / 2, 180), clamp(view.lat + height / 2, 85)];
}

export function App() {
  const [state, setState] = useState<AppState>(() => readState(window.location.search));
  const [config, setConfig] = useState<ClientConfig | null>(null);
  const [results, setResults] = useState<Result[] | null>(null);
  const [count, setCount] = useState({ total: 0, capped: false });
  const [loading, setLoading] = useState(false);
  const [unavailable, setUnavailable] = useState(false);
  const [detail, setDetail] = useState<Asset | null>(null);
  const [focus, setFocus] = useState<{ lon: number; lat: number; zoom?: number; key: string } | null>(null);
  /** What the map shows, for the list when no point is chosen; not in the URL. */
  const [bounds, setBounds] = useState<[number, number, number, number] | null>(null);
  const i18n = useMemo(() => i18nFor(state.language), [state.language]);
  const { t } = i18n;
  const session = useSession();
  /** The place marked on the map: chosen for a new entry, or an entry's exact place under review. */
  const [marker, setMarker] = useState<Point | null>(null);
  /** Bumped for "add another": the contribute form starts empty again. */
  const [formKey, setFormKey] = useState(0);
  /** The buurtscan's map: coloured buurten, the buurt chosen, the gemeente to fit, the drawn map for print. */
  const [choropleth, setChoropleth] = useState<Choropleth | null>(null);
  const [scanSelected, setScanSelected] = useState<string | null>(null);
  const [fit, setFit] = useState<{ bounds: [number, number, number, number]; key: string } | null>(null);
  const [mapImage, setMapImage] = useState<string | null>(null);
  /** The wijkanalyse's wijk, outlined on the map. */
  const [outline, setOutline] = useState<AreaFeature | null>(null);
  const fitTo = useCallback((bounds: [number, number, number, number]) => setFit({ bounds, key: `${bounds.join(',')}@${Date.now()}` }), []);

  /**
   * A change a person made: a new history entry, so that Back undoes it; a map move replaces
   * the entry. The history is written here, outside React's state updater, which React may
   * call more than once.
   */
  const current = useRef(state);
  const update = useCallback((change: Partial<AppState>, mode: 'push' | 'replace' = 'push') => {
    const next = { ...current.current, ...change };
    current.current = next;
    const url = writeState(next);
    if (url !== window.location.search) {
      if (mode === 'push') window.history.pushState(null, '', url);
      else window.history.replaceState(null, '', url);
    }
    setState(next);
  }, []);

  const updateBuurtscan = useCallback((change: Partial<BuurtscanState>, mode: 'push' | 'replace' = 'push') => {
    update({ buurtscan: { ...current.current.buurtscan, ...change } }, mode);
  }, [update]);

  /** Opens a page of the sidebar; the map stays. */
  const showPage = useCallback((page: Page, change: Partial<AppState> = {}) => {
    update({ page, edit: null, reset: null, next: null, area: null, ...change });
  }, [update]);
  const setSpreidingGemeente = useCallback((gemeente: string) => update({ area: gemeente }, current.current.area === null ? 'replace' : 'push'), [update]);
  const flyTo = useCallback((point: Point) => setFocus({ ...point, key: `fly-${Date.now()}` }), []);

  // The agenda's area and the spreiding's gemeente are shown on the map (the wijk page fits its wijk itself).
  useEffect(() => {
    if ((state.page !== 'agenda' && state.page !== 'spreiding' && state.page !== 'updates') || !state.area) return;
    const controller = new AbortController();
    getAreaFeature(state.area, controller.signal).then((feature) => fitTo(boundsOf(feature)), () => undefined);
    return () => controller.abort();
  }, [state.page, state.area, fitTo]);

  // A new page or another entry to edit starts with no place marked.
  useEffect(() => {
    setMarker(null);
  }, [state.page, state.edit]);

  // Signed out (or the session ended) on a page that needs an account: sign in to go on.
  useEffect(() => {
    if (session.user === null && (state.page === 'mine' || state.page === 'moderation' || state.page === 'import' || state.page === 'admin')) update({ page: 'login', next: state.page, edit: null }, 'replace');
  }, [session.user, state.page, update]);

  const signOut = async () => {
    if (current.current.page !== 'search') showPage('search');
    await session.signOut();
  };

  useEffect(() => {
    const restore = () => {
      current.current = readState(window.location.search);
      setState(current.current);
      const { lon, lat, zoom } = current.current.view;
      setFocus({ lon, lat, zoom, key: `back-${Date.now()}` });
    };
    window.addEventListener('popstate', restore);
    return () => window.removeEventListener('popstate', restore);
  }, []);

  useEffect(() => {
    document.documentElement.lang = state.language;
  }, [state.language]);

  useEffect(() => {
    fetch('/api/client-config')
      .then((response) => (response.ok ? (response.json() as Promise<ClientConfig>) : { mapStyleUrl: null, dataBounds: null }))
      .catch(() => ({ mapStyleUrl: null, dataBounds: null }))
      .then(setConfig);
  }, []);

  // The list: near a point when one is chosen, otherwise what the map shows.
  const listBox = bounds ?? bboxOf(state.view);
  const listKey = JSON.stringify([state.filters, state.near, state.near ? null : listBox.map((n) => n.toFixed(4))]);
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setLoading(true);
      const request = state.near
        ? nearbyAssets(state.filters, state.near, controller.signal)
        : listAssets(state.filters, listBox, controller.signal);
      request
        .then((page) => {
          setResults(page.items);
          setCount({ total: page.total, capped: page.totalCapped });
          setUnavailable(false);
        })
        .catch((err: unknown) => {
          if ((err as Error).name === 'AbortError') return;
          if (err instanceof ApiUnavailableError) setUnavailable(true);
          else setResults([]);
        })
        .finally(() => setLoading(false));
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [listKey]);

  useEffect(() => {
    if (!state.selected) return setDetail(null);
    const controller = new AbortController();
    getAsset(state.selected, controller.signal).then(setDetail, (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setDetail(null);
    });
    return () => controller.abort();
  }, [state.selected]);

  const detailHeading = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (detail) detailHeading.current?.querySelector<HTMLElement>('#detail-title')?.focus();
  }, [detail]);

  const [locationMessage, setLocationMessage] = useState<string | null>(null);
  const locateMe = () => {
    if (!('geolocation' in navigator)) return setLocationMessage(t.locationDenied);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocationMessage(null);
        const point = { lat: position.coords.latitude, lon: position.coords.longitude };
        update({ near: { ...point, radius: current.current.near?.radius ?? 1000 }, place: null });
        setFocus({ ...point, key: `me-${Date.now()}` });
      },
      () => setLocationMessage(t.locationDenied),
      { timeout: 10_000 },
    );
  };

  /** A link to the list as it stands (filters and point), without the map's camera. */
  const [copied, setCopied] = useState(false);
  const copyLink = () => {
    const url = new URL(window.location.href);
    for (const key of ['view', 'asset', 'page', 'edit', 'reset', 'next']) url.searchParams.delete(key);
    void navigator.clipboard?.writeText(url.href).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 2500);
    });
  };

  const resultsHeading = useRef<HTMLHeadingElement>(null);
  // Back on the search from another page: the focus goes to the results, not to the page's top.
  const previousPage = useRef(state.page);
  useEffect(() => {
    if (state.page === 'search' && previousPage.current !== 'search') requestAnimationFrame(() => resultsHeading.current?.focus());
    previousPage.current = state.page;
  }, [state.page]);
  /** Closing the detail puts the focus back on the result that opened it. */
  const closeDetail = () => {
    const opener = state.selected;
    update({ selected: null });
    requestAnimationFrame(() => {
      const button = opener ? document.querySelector<HTMLElement>(`[data-asset-id="${opener}"]`) : null;
      (button ?? resultsHeading.current)?.focus();
    });
  };

  const selectResult = (asset: Result) => {
    update({ selected: asset.id });
    const [lon, lat] = asset.location.coordinates;
    setFocus({ lon, lat, key: asset.id });
  };

  const user = session.user;
  const page = state.page;
  return (
    <I18nContext.Provider value={i18n}>
      <div className={page === 'search' ? 'app' : page === 'buurtscan' ? 'app wide page-buurtscan' : page === 'import' ? 'app wide page-import' : 'app wide'}>
        {page === 'search' ? <a className="skip-link" href="#results">{t.skipToResults}</a> : null}
        <header className="topbar">
          <h1>
            <a href="/" className="home" onClick={(event) => { event.preventDefault(); showPage('search'); }}>{t.appTitle}</a>
            <span className="tagline">{t.tagline}</span>
          </h1>
          <div className="topbar-end">
            <nav className="account-nav" aria-label={t.account.menu}>
              <button type="button" aria-current={page === 'buurtscan' ? 'page' : undefined} onClick={() => showPage('buurtscan', { selected: null })}>{t.buurtscan.title}</button>
              <button type="button" aria-current={page === 'agenda' ? 'page' : undefined} onClick={() => showPage('agenda', { selected: null })}>{t.agenda.nav}</button>
              <button type="button" aria-current={page === 'updates' ? 'page' : undefined} onClick={() => showPage('updates', { selected: null, area: page === 'agenda' || page === 'wijk' ? state.area : null })}>{t.updates.nav}</button>
              {session.may('analyse') ? <button type="button" aria-current={page === 'spreiding' ? 'page' : undefined} onClick={() => showPage('spreiding', { selected: null })}>{t.spreiding.title}</button> : null}
              {user ? (
                <>
                  <span className="who" data-testid="signed-in-as">{user.displayName}</span>
                  <button type="button" aria-current={page === 'contribute' && !state.edit ? 'page' : undefined} onClick={() => showPage('contribute', { selected: null })}>{t.account.contribute}</button>
                  <button type="button" aria-current={page === 'mine' ? 'page' : undefined} onClick={() => showPage('mine', { selected: null })}>{t.account.mine}</button>
                  <button type="button" aria-current={page === 'matching' ? 'page' : undefined} onClick={() => showPage('matching', { selected: null })}>{t.matching.nav}</button>
                  {session.may('moderate') ? <button type="button" aria-current={page === 'moderation' ? 'page' : undefined} onClick={() => showPage('moderation', { selected: null })}>{t.account.moderation}</button> : null}
                  {session.may('moderate') ? <button type="button" aria-current={page === 'import' ? 'page' : undefined} onClick={() => showPage('import', { selected: null })}>{t.account.import}</button> : null}
                  {session.may('manageAccounts') ? <button type="button" aria-current={page === 'admin' ? 'page' : undefined} onClick={() => showPage('admin', { selected: null })}>{t.account.admin}</button> : null}
                  <button type="button" onClick={() => void signOut()}>{t.account.signOut}</button>
                </>
              ) : user === null ? (
                <button type="button" aria-current={page === 'login' ? 'page' : undefined} onClick={() => showPage('login', { next: page === 'login' ? state.next : page })}>{t.account.signIn}</button>
              ) : null}
            </nav>
            <label className="language">
              <span className="visually-hidden">{t.language}</span>
              <select value={state.language} onChange={(event) => update({ language: event.target.value as AppState['language'] })}>
                {LANGUAGES.map((language) => <option key={language} value={language}>{language.toUpperCase()}</option>)}
              </select>
            </label>
          </div>
        </header>
        <aside className="sidebar">
          {page !== 'search' ? (
            <button type="button" className="link back-to-map" onClick={() => showPage('search')}>← {t.account.backToSearch}</button>
          ) : null}
          <Suspense fallback={<p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p>}>
          {page === 'login' ? (
            <LoginPage
              resetToken={state.reset}
              onDone={() => update({ page: state.next ?? 'search', next: null, reset: null }, 'replace')}
              onResetDone={() => update({ reset: null }, 'replace')}
            />
          ) : page === 'contribute' ? (
            <ContributePage
              key={`${state.edit ?? 'new'}-${formKey}`}
              editId={state.edit}
              place={marker}
              onPlace={setMarker}
              onFlyTo={flyTo}
              onSignIn={() => showPage('login', { next: 'contribute' })}
              onMine={() => showPage('mine')}
              onNew={() => {
                // The same page again, empty: a fresh form and no place.
                if (state.edit) showPage('contribute');
                else {
                  setMarker(null);
                  setFormKey((n) => n + 1);
                }
              }}
            />
          ) : page === 'mine' ? (
            <MinePage
              onEdit={(id) => showPage('contribute', { edit: id, selected: null })}
              onShowPlace={(point) => {
                setMarker(point);
                flyTo(point);
              }}
              onContribute={() => showPage('contribute', { selected: null })}
              onSignIn={() => showPage('login', { next: 'mine' })}
              onDeleted={() => showPage('search')}
            />
          ) : page === 'matching' ? (
            <MatchingPage onSignIn={() => showPage('login', { next: 'matching' })} />
          ) : page === 'moderation' ? (
            <ModerationPage
              onShowPlace={(point) => {
                setMarker(point);
                flyTo(point);
              }}
              onSignIn={() => showPage('login', { next: 'moderation' })}
              onEdit={(id) => showPage('contribute', { edit: id, selected: null })}
            />
          ) : page === 'admin' ? (
            <AdminPage />
          ) : page === 'import' ? (
            <ImportPage />
          ) : page === 'buurtscan' ? (
            <BuurtscanPage
              state={state.buurtscan}
              onChange={updateBuurtscan}
              selected={scanSelected}
              onSelect={setScanSelected}
              onChoropleth={setChoropleth}
              onFit={fitTo}
              mapImage={mapImage}
              onOpenWijk={(wijk) => showPage('wijk', { area: wijk, selected: null })}
            />
          ) : page === 'wijk' ? (
            <WijkPage
              code={state.area}
              onChange={(wijk) => update({ area: wijk })}
              onOpenAsset={(id) => update({ selected: id })}
              onFit={fitTo}
              onOutline={setOutline}
            />
          ) : page === 'agenda' ? (
            <AgendaPage area={state.area} onChange={(area) => update({ area })} />
          ) : page === 'updates' ? (
            <UpdatesPage
              area={state.area}
              onChange={(area) => update({ area })}
              onOpenAsset={(id) => update({ selected: id })}
              onOpenAgenda={(area) => showPage('agenda', { area, selected: null })}
              onSignIn={() => showPage('login', { next: 'updates', area: state.area })}
            />
          ) : page === 'spreiding' ? (
            <SpreidingPage gemeente={state.area} onChange={setSpreidingGemeente} />
          ) : (
            <>
              <section className="near" aria-label={t.near}>
                <h2>{t.near}</h2>
                <PlaceSearch
                  onChoose={(place) => {
                    update({ near: { lat: place.lat, lon: place.lon, radius: state.near?.radius ?? 1000 }, place: place.label });
                    setFocus({ lon: place.lon, lat: place.lat, key: `${place.label}-${Date.now()}` });
                    // The chosen place's button is gone: the focus moves on to what it changed.
                    resultsHeading.current?.focus();
                  }}
                />
                {state.near ? (
                  <div className="near-controls">
                    <label>
                      <span>{t.radius}</span>
                      <select value={state.near.radius} onChange={(event) => update({ near: { ...state.near!, radius: Number(event.target.value) } })}>
                        {RADII.map((r) => <option key={r} value={r}>{t.distance(r)}</option>)}
                      </select>
                    </label>
                    <button type="button" className="link" onClick={() => update({ near: null, place: null })}>{t.nearClear}</button>
                  </div>
                ) : (
                  <p className="hint">{t.nearHint}</p>
                )}
                <button type="button" className="link" onClick={locateMe}>{t.useMyLocation}</button>
                {locationMessage ? <p role="status" className="hint">{locationMessage}</p> : null}
              </section>
              <Filters filters={state.filters} onChange={(filters) => update({ filters }, filters.q !== state.filters.q ? 'replace' : 'push')} />
              <div className="results-heading">
                <h2 id="results" tabIndex={-1} ref={resultsHeading}>{t.results}</h2>
                <div className="list-actions">
                  <button type="button" className="link" onClick={() => window.print()}>{t.print}</button>
                  <button type="button" className="link" onClick={copyLink}>{copied ? t.copied : t.share}</button>
                </div>
              </div>
              <p className="print-only">
                {t.printTitle} · {t.printedOn(new Date().toLocaleDateString(state.language === 'nl' ? 'nl-NL' : 'en-GB'))}
                {state.near ? <><br />{t.within(t.distance(state.near.radius), state.place ?? t.thePoint)}</> : null}
              </p>
              <ResultList
                results={results}
                count={count}
                loading={loading}
                unavailable={unavailable}
                selected={state.selected}
                onSelect={selectResult}
                activeFilters={activeFilterNames(state.filters, i18n)}
              />
              <EmbedCode filters={state.filters} view={state.view} />
            </>
          )}
          </Suspense>
        </aside>
        <main className="map-area">
          {config ? (
            <MapView
              // Made anew in another language: MapLibre reads its control labels once.
              key={state.language}
              styleUrl={config.mapStyleUrl}
              filters={state.filters}
              near={page === 'search' ? state.near : null}
              marker={page === 'search' || page === 'login' ? null : marker}
              picking={page === 'contribute'}
              selected={state.selected}
              initialView={state.view}
              // A first visit (no view in the URL, no move yet) shows where the data is.
              fitOnLoad={state.view === DEFAULT_VIEW ? config.dataBounds : null}
              focus={focus}
              onSelect={(id) => update({ selected: id })}
              onPick={(point) => {
                // While contributing a click places the entry; otherwise it is the point to search near.
                if (current.current.page === 'contribute') setMarker(point);
                else update({ near: { ...point, radius: state.near?.radius ?? 1000 }, place: null });
              }}
              choropleth={page === 'buurtscan' ? choropleth : null}
              fit={page === 'buurtscan' || page === 'wijk' || page === 'agenda' || page === 'spreiding' || page === 'updates' ? fit : null}
              onAreaClick={setScanSelected}
              onSnapshot={setMapImage}
              outline={page === 'wijk' ? outline : null}
              onViewChange={(view, shown) => {
                setBounds(shown);
                update({ view }, 'replace');
              }}
            />
          ) : null}
          {page === 'contribute' ? <p className="map-hint" aria-hidden="true">{marker ? t.contribute.mapHintMove : t.contribute.mapHint}</p> : null}
          {detail && page !== 'contribute' && page !== 'moderation' ? (
            <div className="detail-panel" ref={detailHeading} onKeyDown={(event) => event.key === 'Escape' && closeDetail()}>
              <AssetDetail asset={detail} onClose={closeDetail} onSignIn={() => showPage('login', { next: 'search' })} />
            </div>
          ) : null}
        </main>
      </div>
    </I18nContext.Provider>
  );
}
