import { z } from 'zod';
import {
  AreaContextSchema,
  PlacementsSchema,
  ScoresSchema,
  ScoreWeightsSchema,
  WijkanalyseSchema,
  type ContextUpdate,
  type Placements,
  type Scores,
  type ScoreWeights,
  type Wijkanalyse,
  AreaFeatureSchema, AreaListSchema, BuurtscanSchema, GapsSchema, IndicatorCatalogueSchema, type AreaFeature, type Buurtscan } from '@kwartier/shared';
import { request } from './client.ts';

/** The buurtscan's public API: indicators, their figures per area, and gaps in what is offered. */
export type IndicatorCatalogue = z.infer<typeof IndicatorCatalogueSchema>;
export type CatalogueIndicator = IndicatorCatalogue['indicators'][number];
export type Gaps = z.infer<typeof GapsSchema>;

export function getIndicatorCatalogue(signal?: AbortSignal): Promise<IndicatorCatalogue> {
  return request('/api/buurtscan/indicators', IndicatorCatalogueSchema, { signal });
}

/** Only the indicators asked for: all 81 at once takes seconds (reach is computed per buurt). */
export function getBuurtscan(level: 'buurt' | 'wijk' | 'gemeente', gemeente: string, indicators: string[], signal?: AbortSignal): Promise<Buurtscan> {
  const params = new URLSearchParams({ level, gemeente, indicators: indicators.join(',') });
  return request(`/api/buurtscan?${params.toString().replace(/%2C/g, ',')}`, BuurtscanSchema, { signal });
}

export function listGemeenten(signal?: AbortSignal): Promise<z.infer<typeof AreaListSchema>> {
  return request('/api/areas?level=gemeente', AreaListSchema, { signal });
}

export function getAreaFeature(code: string, signal?: AbortSignal): Promise<AreaFeature> {
  return request(`/api/areas/${encodeURIComponent(code)}`, AreaFeatureSchema, { signal });
}

export function getGaps(gemeente: string, selection: { kind?: string; category?: string }, distance: number, signal?: AbortSignal): Promise<Gaps> {
  const params = new URLSearchParams({ gemeente, distance: String(distance) });
  if (selection.kind) params.set('kind', selection.kind);
  if (selection.category) params.set('category', selection.category);
  return request(`/api/buurtscan/gaps?${params}`, GapsSchema, { signal });
}

/** [west, south, east, north] of an area's boundary. */
export function boundsOf(feature: AreaFeature): [number, number, number, number] {
  let [west, south, east, north] = [180, 90, -180, -90];
  for (const polygon of feature.geometry.coordinates) {
    for (const ring of polygon) {
      for (const position of ring) {
        const [lon, lat] = position as [number, number];
        west = Math.min(west, lon);
        east = Math.max(east, lon);
        south = Math.min(south, lat);
        north = Math.max(north, lat);
      }
    }
  }
  return [west, south, east, north];
}

export function getWijkanalyse(code: string, signal?: AbortSignal): Promise<Wijkanalyse> {
  return request(`/api/buurtscan/wijkanalyse/${encodeURIComponent(code)}`, WijkanalyseSchema, { signal });
}

/** People placed per buurt, wijk and gemeente: small counts suppressed, exact for analysts. */
export function getPlacements(gemeente: string, signal?: AbortSignal): Promise<Placements> {
  return request(`/api/buurtscan/placements?${new URLSearchParams({ gemeente })}`, PlacementsSchema, { signal });
}

// Spreiding: analysts only; the server refuses everyone else.

export function getScores(gemeente: string, signal?: AbortSignal): Promise<Scores> {
  return request(`/api/buurtscan/scores?${new URLSearchParams({ gemeente })}`, ScoresSchema, { signal });
}

export function getWeights(signal?: AbortSignal): Promise<ScoreWeights> {
  return request('/api/buurtscan/weights', ScoreWeightsSchema, { signal });
}

export function putWeights(weights: ScoreWeights): Promise<ScoreWeights> {
  return request('/api/buurtscan/weights', ScoreWeightsSchema, { method: 'PUT', body: weights });
}

export type AreaContext = z.infer<typeof AreaContextSchema>;

export function getAreaContext(code: string, signal?: AbortSignal): Promise<AreaContext> {
  return request(`/api/areas/${encodeURIComponent(code)}/context`, AreaContextSchema, { signal });
}

export function putAreaContext(code: string, update: ContextUpdate): Promise<AreaContext> {
  return request(`/api/areas/${encodeURIComponent(code)}/context`, AreaContextSchema, { method: 'PUT', body: update });
}
