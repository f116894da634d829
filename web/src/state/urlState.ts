import {
  ASSET_KIND_CODES,
  CATEGORY_CODES,
  CHARACTERISTIC_CODES,
  INCLUSION_FEATURE_CODES,
  SOCIAL_CAPITAL_CODES,
  TARGET_GROUP_CODES,
} from '@kwartier/shared';
import { LANGUAGES, type Language } from '../i18n/catalogue.ts';
import { CLASS_METHODS, type ClassMethod } from '../features/buurtscan/classes.ts';

/**
 * Everything a person set up on the page, kept in the URL so that a link can be shared and
 * the back button works: the filters, the search point and radius, the selected asset, the
 * map view and the language.
 */
export type Filters = {
  kind: string[];
  category: string[];
  socialCapital: string[];
  inclusion: string[];
  targetGroup: string[];
  characteristic: string[];
  q: string;
  openNow: boolean;
};

export type View = { lon: number; lat: number; zoom: number };

/** What the sidebar shows: the search (the default), or one of the pages of an account. */
export const PAGES = ['search', 'login', 'contribute', 'mine', 'moderation', 'admin', 'buurtscan', 'wijk', 'agenda', 'spreiding', 'import', 'updates', 'matching'] as const;
export type Page = (typeof PAGES)[number];

export type AppState = {
  page: Page;
  /** On the contribute page: the entry being edited. */
  edit: string | null;
  /** From the password-reset e-mail: the token to choose a new password with. */
  reset: string | null;
  /** On the login page: the page to go on to after signing in. */
  next: Page | null;
  filters: Filters;
  near: { lat: number; lon: number; radius: number } | null;
  /** The name of the place searched near, for the print view's heading. */
  place: string | null;
  selected: string | null;
  view: View;
  language: Language;
  /** On the buurtscan page: the gemeente, the indicator and how its values are put in classes. */
  buurtscan: BuurtscanState;
  /** The area a page is about: the wijk of the wijkanalyse, the agenda's area, the spreiding's gemeente. */
  area: string | null;
};

export type BuurtscanState = { gemeente: string | null; indicator: string | null; classes: ClassMethod };
export const DEFAULT_BUURTSCAN: BuurtscanState = { gemeente: null, indicator: null, classes: 'quantile' };

export const RADII = [500, 1000, 2000, 5000] as const;
export const DEFAULT_VIEW: View = { lon: 5.25, lat: 52.1, zoom: 8 };
export const EMPTY_FILTERS: Filters = { kind: [], category: [], socialCapital: [], inclusion: [], targetGroup: [], characteristic: [], q: '', openNow: false };

const allowed: Record<'kind' | 'category' | 'socialCapital' | 'inclusion' | 'targetGroup' | 'characteristic', readonly string[]> = {
  kind: ASSET_KIND_CODES,
  category: CATEGORY_CODES,
  socialCapital: SOCIAL_CAPITAL_CODES,
  inclusion: INCLUSION_FEATURE_CODES,
  targetGroup: TARGET_GROUP_CODES,
  characteristic: CHARACTERISTIC_CODES,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function number(value: string | null, min: number, max: number): number | null {
  if (value === null || !/^-?\d+(\.\d+)?$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}

const match = (value: string | null, pattern: RegExp) => (value !== null && pattern.test(value) ? value : null);

/** The query parameter that carries `area` on each page that has one. */
const AREA_PARAM: Partial<Record<Page, string>> = { wijk: 'wijk', agenda: 'area', spreiding: 'gemeente', updates: 'area' };

/** Reads the state from a URL; anything unknown or malformed is left at its default. */
export function readState(search: string): AppState {
  const params = new URLSearchParams(search);
  const list = (key: keyof typeof allowed) =>
    (params.get(key) ?? '').split(',').filter((value) => allowed[key].includes(value));
  const lat = number(params.get('lat'), -90, 90);
  const lon = number(params.get('lon'), -180, 180);
  const asked = number(params.get('radius'), 100, 50_000) ?? 1000;
  // The radius control offers RADII; a link with another radius gets the nearest of them.
  const radius = RADII.reduce((best, r) => (Math.abs(r - asked) < Math.abs(best - asked) ? r : best), RADII[0]);
  const view = (params.get('view') ?? '').split(',');
  const [vlon, vlat, vzoom] = [number(view[0] ?? null, -180, 180), number(view[1] ?? null, -90, 90), number(view[2] ?? null, 0, 22)];
  const language = params.get('lang');
  const uuid = (value: string | null) => (value !== null && UUID.test(value) ? value : null);
  const pageParam = (value: string | null) => (PAGES.includes(value as Page) ? (value as Page) : null);
  const reset = /^[A-Za-z0-9_-]{20,200}$/.test(params.get('reset') ?? '') ? params.get('reset') : null;
  // The link in the e-mail is just `/?reset=<token>`: it opens the login page's reset form.
  const page = reset ? 'login' : (pageParam(params.get('page')) ?? 'search');
  return {
    page,
    edit: page === 'contribute' ? uuid(params.get('edit')) : null,
    reset: page === 'login' ? reset : null,
    next: page === 'login' ? pageParam(params.get('next')) : null,
    filters: {
      kind: list('kind'),
      category: list('category'),
      socialCapital: list('socialCapital'),
      inclusion: list('inclusion'),
      targetGroup: list('targetGroup'),
      characteristic: list('characteristic'),
      q: (params.get('q') ?? '').slice(0, 200),
      openNow: params.get('openNow') === 'true',
    },
    near: lat !== null && lon !== null ? { lat, lon, radius } : null,
    place: lat !== null && lon !== null && params.get('place') ? params.get('place')!.slice(0, 120) : null,
    selected: uuid(params.get('asset')),
    view: vlon !== null && vlat !== null && vzoom !== null ? { lon: vlon, lat: vlat, zoom: vzoom } : DEFAULT_VIEW,
    language: LANGUAGES.includes(language as Language) ? (language as Language) : 'nl',
    buurtscan: page === 'buurtscan'
      ? {
          gemeente: /^GM\d{4}$/.test(params.get('gemeente') ?? '') ? params.get('gemeente') : null,
          // Checked against the catalogue on the page; here only its shape.
          indicator: /^[a-z0-9_.-]{1,80}$/.test(params.get('indicator') ?? '') ? params.get('indicator') : null,
          classes: CLASS_METHODS.includes(params.get('classes') as ClassMethod) ? (params.get('classes') as ClassMethod) : 'quantile',
        }
      : DEFAULT_BUURTSCAN,
    area: page === 'wijk' ? match(params.get('wijk'), /^WK\d{6}$/)
      : page === 'agenda' ? match(params.get('area'), /^(GM\d{4}|WK\d{6}|BU\d{8})$/)
      : page === 'spreiding' ? match(params.get('gemeente'), /^GM\d{4}$/)
      : page === 'updates' ? match(params.get('area'), /^(GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$/)
      : null,
  };
}

export function writeState(state: AppState): string {
  const params = new URLSearchParams();
  if (state.page !== 'search') params.set('page', state.page);
  if (state.page === 'contribute' && state.edit) params.set('edit', state.edit);
  if (state.page === 'login' && state.reset) params.set('reset', state.reset);
  if (state.page === 'login' && state.next) params.set('next', state.next);
  if (state.page === 'buurtscan') {
    if (state.buurtscan.gemeente) params.set('gemeente', state.buurtscan.gemeente);
    if (state.buurtscan.indicator) params.set('indicator', state.buurtscan.indicator);
    params.set('classes', state.buurtscan.classes);
  }
  const areaParam = AREA_PARAM[state.page];
  if (areaParam && state.area) params.set(areaParam, state.area);
  const { filters } = state;
  for (const key of Object.keys(allowed) as Array<keyof typeof allowed>) {
    if (filters[key].length > 0) params.set(key, filters[key].join(','));
  }
  if (filters.q) params.set('q', filters.q);
  if (filters.openNow) params.set('openNow', 'true');
  if (state.near) {
    params.set('lat', state.near.lat.toFixed(5));
    params.set('lon', state.near.lon.toFixed(5));
    params.set('radius', String(state.near.radius));
    if (state.place) params.set('place', state.place);
  }
  if (state.selected) params.set('asset', state.selected);
  params.set('view', `${state.view.lon.toFixed(5)},${state.view.lat.toFixed(5)},${state.view.zoom.toFixed(2)}`);
  if (state.language !== 'nl') params.set('lang', state.language);
  return `?${params.toString().replace(/%2C/g, ',')}`;
}
