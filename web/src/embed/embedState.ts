import { LANGUAGES, type Language } from '../i18n/catalogue.ts';

/** The filters an embed code may fix; the server checked them (GET /embed) with the API's own schemas. */
export const EMBED_FILTERS = ['kind', 'category', 'socialCapital', 'inclusion', 'targetGroup', 'characteristic', 'area', 'q', 'openNow'] as const;
type FilterName = (typeof EMBED_FILTERS)[number];

export type EmbedState = {
  /** The filters as the API takes them, comma lists joined: passed on unchanged to the list and the tiles. */
  filters: Partial<Record<FilterName, string>>;
  areas: string[];
  language: Language;
};

const isLanguage = (value: string | null | undefined): value is Language => LANGUAGES.includes(value as Language);

/**
 * The embed's settings from its address. The language: `lang` in the code, else what the server
 * put on <html> from Accept-Language, else the browser's languages, else Dutch.
 */
export function readEmbedState(search: string, htmlLang: string, browserLanguages: readonly string[]): EmbedState {
  const params = new URLSearchParams(search);
  const filters: EmbedState['filters'] = {};
  for (const name of EMBED_FILTERS) {
    const values = params.getAll(name).flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
    if (values.length > 0) filters[name] = name === 'q' ? params.get('q')!.trim() : values.join(',');
  }
  const fromBrowser = browserLanguages.map((tag) => tag.toLowerCase().split('-')[0]).find(isLanguage);
  const lang = params.get('lang');
  const language = isLanguage(lang) ? lang : isLanguage(htmlLang) ? htmlLang : (fromBrowser ?? 'nl');
  return { filters, areas: filters.area ? filters.area.split(',') : [], language };
}

/** The filters as query parameters, for /api/assets and the asset tiles alike. */
export function filterQuery(filters: EmbedState['filters']): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) params.set(name, value);
  return params;
}

/** Anonymous, always: an embed never sends Kwartier's cookies, whatever the visitor's session. */
export async function getPublic<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { credentials: 'omit', headers: { accept: 'application/json' }, signal });
  if (!response.ok) throw new Error(String(response.status));
  return (await response.json()) as T;
}

/**
 * The full app with the same filters and language, at the embed's view: `area` is not a filter
 * of the app's search, so the view stands for it.
 */
export function appLink(state: EmbedState, view: { lon: number; lat: number; zoom: number } | null, asset?: string): string {
  const params = new URLSearchParams();
  for (const name of EMBED_FILTERS) {
    const value = state.filters[name];
    if (value && name !== 'area') params.set(name, value);
  }
  if (asset) params.set('asset', asset);
  if (view) params.set('view', `${view.lon.toFixed(5)},${view.lat.toFixed(5)},${view.zoom.toFixed(2)}`);
  if (state.language !== 'nl') params.set('lang', state.language);
  return `${window.location.origin}/?${params.toString().replace(/%2C/g, ',')}`;
}
