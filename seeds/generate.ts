import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { point } from '@turf/helpers';
import {
  type AssetImport,
  CATEGORIES,
  CHARACTERISTIC_CODES,
  INCLUSION_FEATURE_CODES,
  SOCIAL_CAPITAL_CODES,
  TARGET_GROUP_CODES,
} from '@kwartier/shared';
import type { AreaInput } from '../server/src/modules/areas/areas.repository.ts';

/**
 * Synthetic assets for benchmarks: deterministic for a seed, spread over real buurten with
 * density following their inhabitants, every kind and category represented. Marked as samples.
 */

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same dataset. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Polygonal = Parameters<typeof booleanPointInPolygon>[1];

function bboxOf(geometry: { type: string; coordinates: unknown }): [number, number, number, number] {
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  const visit = (value: unknown): void => {
    if (Array.isArray(value) && typeof value[0] === 'number') {
      const [lon, lat] = value as [number, number];
      minLon = Math.min(minLon, lon); maxLon = Math.max(maxLon, lon);
      minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat);
    } else if (Array.isArray(value)) value.forEach(visit);
  };
  visit(geometry.coordinates);
  return [minLon, minLat, maxLon, maxLat];
}

function pickSome<T>(values: readonly T[], random: () => number, max: number): T[] {
  return values.filter(() => random() < max / values.length);
}

/** The first index whose cumulative share reaches `r` (binary search; the shares only grow). */
function firstAtLeast(cumulative: number[], r: number): number {
  let low = 0, high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (cumulative[middle]! >= r) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * The assets one at a time, so that a national dataset of a million never sits in memory
 * whole. The same seed gives the same assets in the same order as generateAssets.
 */
export function* generateAssetStream(count: number, seed: number, buurten: AreaInput[]): Generator<AssetImport> {
  const random = seededRandom(seed);
  const places = buurten
    .filter((b) => (b.inhabitants ?? 0) > 0)
    .map((b) => ({ area: b, geometry: b.geometry as Polygonal & { type: string; coordinates: unknown }, bbox: bboxOf(b.geometry as never) }));
  const totalInhabitants = places.reduce((sum, p) => sum + (p.area.inhabitants ?? 0), 0);
  const cumulative: number[] = [];
  let running = 0;
  for (const place of places) cumulative.push((running += (place.area.inhabitants ?? 0) / totalInhabitants));

  for (let i = 0; i < count; i++) {
    const r = random();
    const place = places[Math.min(firstAtLeast(cumulative, r), places.length - 1)]!;
    const [minLon, minLat, maxLon, maxLat] = place.bbox;
    let lon = 0, lat = 0;
    for (let attempt = 0; attempt < 50; attempt++) {
      lon = minLon + random() * (maxLon - minLon);
      lat = minLat + random() * (maxLat - minLat);
      if (booleanPointInPolygon(point([lon, lat]), place.geometry)) break;
    }
    const category = CATEGORIES[i % CATEGORIES.length]!;
    const isTalent = category.kind === 'talent';
    yield {
      kind: category.kind,
      category: category.code,
      name: `${category.label.nl} ${i + 1}`,
      description: `Gegenereerd voorbeeld in ${place.area.name}`,
      socialCapital: pickSome(SOCIAL_CAPITAL_CODES, random, 1.5),
      inclusionFeatures: pickSome(INCLUSION_FEATURE_CODES, random, 2.5),
      targetGroups: pickSome(TARGET_GROUP_CODES, random, 2),
      languages: ['nl'],
      characteristics: pickSome(CHARACTERISTIC_CODES, random, 1.5),
      schedule: { alwaysOpen: false, openingHours: [{ days: ['mo', 'tu', 'we', 'th', 'fr'], opens: '09:00', closes: '17:00' }], meetings: [] },
      contact: {},
      asks: [],
      offers: [],
      location: { type: 'Point', coordinates: [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6] },
      precision: isTalent ? 'street' : 'exact',
      address: {},
      shareContactWithProfessionals: false,
      status: 'published',
      source: 'kwartier-generated',
      sourceId: `gen-${seed}-${i}`,
      isSample: true,
    };
  }
}

export function generateAssets(count: number, seed: number, buurten: AreaInput[]): AssetImport[] {
  return [...generateAssetStream(count, seed, buurten)];
}

/** Consecutive groups of `size` items (the last one shorter), for batched writes. */
export function* inBatches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
