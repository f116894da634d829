import type { z } from 'zod';
import {
  AssetPageSchema,
  AssetSchema,
  NearbyResultSchema,
  type Asset,
  type AssetPage,
  type NearbyResult,
} from '@kwartier/shared';
import type { Filters } from '../state/urlState.ts';

/** The API as the web app uses it: every answer parsed with the same schema the server sends. */
export class ApiUnavailableError extends Error {}

async function getJson<S extends z.ZodType>(url: string, schema: S, signal?: AbortSignal): Promise<z.infer<S>> {
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiUnavailableError((err as Error).message);
  }
  if (response.status >= 500) throw new ApiUnavailableError(`${response.status}`);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return schema.parse(await response.json());
}

/** The filters as query parameters, in the form the list, nearby and tiles all take. */
export function filterParams(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['kind', 'category', 'socialCapital', 'inclusion', 'targetGroup', 'characteristic'] as const) {
    if (filters[key].length > 0) params.set(key, filters[key].join(','));
  }
  const q = filters.q.trim();
  if (q) params.set('q', q);
  if (filters.openNow) params.set('openNow', 'true');
  return params;
}

export function listAssets(filters: Filters, bbox: [number, number, number, number] | null, signal?: AbortSignal): Promise<AssetPage> {
  const params = filterParams(filters);
  params.set('limit', '50');
  if (bbox) params.set('bbox', bbox.map((n) => n.toFixed(5)).join(','));
  return getJson(`/api/assets?${params}`, AssetPageSchema, signal);
}

export function nearbyAssets(filters: Filters, near: { lat: number; lon: number; radius: number }, signal?: AbortSignal): Promise<NearbyResult> {
  const params = filterParams(filters);
  params.set('lat', near.lat.toFixed(6));
  params.set('lon', near.lon.toFixed(6));
  params.set('radius', String(near.radius));
  params.set('limit', '50');
  return getJson(`/api/assets/nearby?${params}`, NearbyResultSchema, signal);
}

export function getAsset(id: string, signal?: AbortSignal): Promise<Asset> {
  return getJson(`/api/assets/${encodeURIComponent(id)}`, AssetSchema, signal);
}

export function assetTileUrl(filters: Filters): string {
  const params = filterParams(filters).toString();
  return `${window.location.origin}/tiles/assets/{z}/{x}/{y}.mvt${params ? `?${params}` : ''}`;
}
