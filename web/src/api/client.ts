import { z } from 'zod';
import {
  ApiErrorSchema,
  AssetPageSchema,
  AssetSchema,
  NearbyResultSchema,
  type Asset,
  type AssetPage,
  type ErrorCode,
  type FieldError,
  type NearbyResult,
} from '@kwartier/shared';
import type { Filters } from '../state/urlState.ts';

/** The API as the web app uses it: every answer parsed with the same schema the server sends. */
export class ApiUnavailableError extends Error {}

/**
 * An answer in the API's one error shape: its status, code, message and, for a 400, the
 * fields at fault (`body.name`, `body.location.coordinates`), so a form can show each by its field.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'UNKNOWN',
    message: string,
    readonly fields: FieldError[] = [],
    /** Seconds to wait, from a 429's Retry-After. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The CSRF token of the signed-in session, echoed in `x-csrf-token` on every write. It lives
 * here, next to the requests that need it; the session context sets it.
 */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server says the session is gone (401): the session context signs out. */
let unauthenticatedListener: (() => void) | null = null;
export function onUnauthenticated(listener: (() => void) | null): void {
  unauthenticatedListener = listener;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function errorFrom(response: Response): Promise<ApiError> {
  const retry = Number(response.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : null;
  try {
    const parsed = ApiErrorSchema.safeParse(await response.json());
    if (parsed.success) {
      const { code, message, fields } = parsed.data.error;
      return new ApiError(response.status, code, message, fields ?? [], retryAfter);
    }
  } catch {
    // Not JSON: a proxy's page, say. The status is all there is.
  }
  return new ApiError(response.status, 'UNKNOWN', `${response.status}`, [], retryAfter);
}

/**
 * `body` is sent as JSON; `file` as it is, bytes and all, with its own content type (an import's
 * CSV or GeoJSON, read by the server byte for byte).
 */
type RequestOptions = { method?: string; body?: unknown; file?: { bytes: Blob; contentType: string }; signal?: AbortSignal | undefined };

async function send(url: string, { method = 'GET', body, file, signal }: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (file) headers['content-type'] = file.contentType;
  else if (body !== undefined) headers['content-type'] = 'application/json';
  if (WRITES.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  const payload = file ? file.bytes : body === undefined ? undefined : JSON.stringify(body);
  try {
    return await fetch(url, { method, signal, headers, credentials: 'same-origin', body: payload });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiUnavailableError((err as Error).message);
  }
}

/**
 * One request, its answer parsed with `schema` (or nothing for a 204). A write refused for its
 * CSRF token is tried once more with a fresh one: the session may have been renewed in another tab.
 */
export async function request<S extends z.ZodType>(url: string, schema: S, options: RequestOptions = {}): Promise<z.infer<S>> {
  const method = options.method ?? 'GET';
  let response = await send(url, options);
  if (response.status === 403 && WRITES.has(method) && !url.startsWith('/api/auth/')) {
    const sentWith = csrfToken;
    const session = await send('/api/auth/session', { signal: options.signal });
    if (session.ok) {
      const fresh = ((await session.json()) as { csrfToken: string | null }).csrfToken;
      if (fresh && fresh !== sentWith) {
        csrfToken = fresh;
        response = await send(url, options);
      }
    }
  }
  if (response.status >= 500) throw new ApiUnavailableError(`${response.status}`);
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && !url.startsWith('/api/auth/')) unauthenticatedListener?.();
    throw error;
  }
  if (response.status === 204) return schema.parse(null);
  return schema.parse(await response.json());
}

const getJson = <S extends z.ZodType>(url: string, schema: S, signal?: AbortSignal) => request(url, schema, { signal });
export const NoContentSchema = z.null();

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
