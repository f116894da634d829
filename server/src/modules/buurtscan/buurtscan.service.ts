import type { Kysely } from 'kysely';
import {
  type Buurtscan,
  type BuurtscanQuery,
  INDICATORS,
  REACH_TARGETS,
  WIJKANALYSE_INDICATORS,
  type Wijkanalyse,
  INDICATOR_GROUPS,
  INDICATOR_UNITS,
  type Indicator,
  indicatorByCode,
} from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { isDatabaseUnavailable } from '../../plugins/errors.ts';
import { csvDocument } from '../../lib/csv.ts';
import { latestYear } from '../areas/areas.repository.ts';
import * as repository from './buurtscan.repository.ts';
import { ensureReachFresh, reachOf } from './reach.service.ts';
import { listAssets } from '../assets/assets.repository.ts';

/** Figures as the API gives them: ratios to four decimals, densities to two. */
function rounded(indicator: Indicator, value: number | null): number | null {
  if (value === null) return null;
  const decimals = indicator.unit === 'per_1000' ? 2 : 4;
  return Math.round(value * 10 ** decimals) / 10 ** decimals;
}

export function indicatorCatalogue() {
  return {
    groups: INDICATOR_GROUPS.map((group) => ({ code: group.code, label: group.label })),
    indicators: INDICATORS.map(({ measure: _measure, ...indicator }) => ({ ...indicator, unitLabel: INDICATOR_UNITS[indicator.unit] })),
  };
}

export async function yearOf(db: Kysely<DB>, level: 'buurt' | 'wijk' | 'gemeente', year: number | undefined): Promise<number> {
  const resolved = year ?? (await latestYear(db, level));
  if (resolved === null) throw new AppError('NOT_FOUND', 404, `No ${level} areas are loaded`);
  return resolved;
}

/**
 * Reach is brought up to date on the primary, the only database that can write, and read with
 * the rest of the scan from `reader` (a replica may show it a moment later). When a replica
 * answers and the primary does not (a restart), the scan is served with reach as the replica
 * has it rather than not at all.
 */
async function freshenReach(primary: Kysely<DB>, reader: Kysely<DB>, scope: repository.AreaScope): Promise<void> {
  try {
    await ensureReachFresh(primary, scope);
  } catch (error) {
    if (primary === reader || !isDatabaseUnavailable(error)) throw error;
  }
}

/**
 * The buurtscan: every asked indicator for every area of a level (in one gemeente, or all),
 * computed in the database. Counts and ratios come from one aggregate query; each reach
 * indicator from one spatial query. `db` reads (a replica, or the primary); `primary` keeps
 * the reach cache.
 */
export async function buurtscan(db: Kysely<DB>, query: BuurtscanQuery, now: Date, primary: Kysely<DB> = db): Promise<Buurtscan> {
  const year = await yearOf(db, query.level, query.year);
  const indicators = (query.indicators ?? INDICATORS.map((indicator) => indicator.code)).map((code) => indicatorByCode(code)!);
  const scope = { level: query.level, year, gemeente: query.gemeente };

  const counted = indicators.filter((indicator) => indicator.measure.type !== 'reach');
  const rows = await repository.areaCounts(
    db,
    scope,
    counted.map((indicator) => indicator.measure as repository.CountMeasure),
  );
  const reach = new Map<string, Map<string, number | null>>();
  const reachIndicators = indicators.filter((indicator) => indicator.measure.type === 'reach');
  if (reachIndicators.length > 0) await freshenReach(primary, db, scope);
  for (const indicator of reachIndicators) {
    const measure = indicator.measure as Extract<typeof indicator.measure, { type: 'reach' }>;
    reach.set(indicator.code, await reachOf(db, scope, measure.target, measure.meters));
  }

  return {
    level: query.level,
    year,
    indicators: indicators.map((indicator) => indicator.code),
    areas: rows.map((row) => {
      const values: Record<string, number | null> = {};
      counted.forEach((indicator, i) => (values[indicator.code] = rounded(indicator, row.values[i] ?? null)));
      for (const [code, perArea] of reach) values[code] = rounded(indicatorByCode(code)!, perArea.get(row.code) ?? null);
      return {
        code: row.code,
        name: row.name,
        level: row.level,
        gemeenteCode: row.gemeente_code,
        inhabitants: row.inhabitants,
        assets: row.assets,
        values,
      };
    }),
    computedAt: now.toISOString(),
  };
}

export async function gaps(
  db: Kysely<DB>,
  query: { gemeente: string; kind?: string | undefined; category?: string | undefined; distance: number; year?: number | undefined },
) {
  const year = await yearOf(db, 'buurt', query.year);
  const select = { ...(query.kind ? { kinds: [query.kind] } : {}), ...(query.category ? { categories: [query.category] } : {}) };
  const rows = await repository.gaps(db, { year, gemeente: query.gemeente }, select, query.distance);
  return {
    distance: query.distance,
    selection: { kind: query.kind ?? null, category: query.category ?? null },
    buurten: rows.map((row) => ({
      code: row.code,
      name: row.name,
      inhabitants: row.inhabitants,
      nearestMeters: row.nearest === null ? null : Math.round(row.nearest),
    })),
  };
}

/** The buurtscan as GeoJSON: each area's boundary with its figures as properties. */
export async function buurtscanGeoJson(db: Kysely<DB>, query: BuurtscanQuery, now: Date, primary: Kysely<DB> = db) {
  const scan = await buurtscan(db, query, now, primary);
  const geometries = await repository.areaGeometries(db, { level: scan.level, year: scan.year!, gemeente: query.gemeente });
  return {
    type: 'FeatureCollection' as const,
    // Kept in the file, so that a map made from it names its sources and date.
    metadata: { level: scan.level, year: scan.year, computedAt: scan.computedAt, source: 'Kwartier; Bron: CBS, Kadaster (CC BY 4.0)' },
    features: scan.areas.map((area) => ({
      type: 'Feature' as const,
      id: area.code,
      geometry: geometries.get(area.code) ?? null,
      properties: { code: area.code, name: area.name, level: area.level, gemeente: area.gemeenteCode, inhabitants: area.inhabitants, assets: area.assets, ...area.values },
    })),
  };
}

/** The buurtscan as CSV: a row per area, a column per indicator code (UTF-8 with a BOM). */
export async function buurtscanCsv(db: Kysely<DB>, query: BuurtscanQuery, now: Date, primary: Kysely<DB> = db): Promise<string> {
  const scan = await buurtscan(db, query, now, primary);
  return csvDocument(
    ['code', 'name', 'level', 'gemeente', 'inhabitants', 'assets', ...scan.indicators],
    scan.areas.map((area) => [area.code, area.name, area.level, area.gemeenteCode, area.inhabitants, area.assets, ...scan.indicators.map((code) => area.values[code])]),
  );
}

/**
 * A wijk against its gemeente: the headline indicators where it is at least a fifth stronger or
 * weaker (by the ratio of the two values; a gemeente value of 0 gives no ratio and no verdict),
 * the buurten without a peer-support group, meeting place, walk-in or contact point within
 * 1 km, and the published assets that carry the wijk.
 */
export async function wijkanalyse(db: Kysely<DB>, code: string, now: Date, primary: Kysely<DB> = db): Promise<Wijkanalyse> {
  const year = await yearOf(db, 'wijk', undefined);
  const wijk = (await repository.areaCounts(db, { level: 'wijk', year }, [])).find((row) => row.code === code);
  if (!wijk) throw new AppError('NOT_FOUND', 404, 'Wijk not found');
  const indicators = [...WIJKANALYSE_INDICATORS];
  const [ofWijk, ofGemeente] = await Promise.all([
    buurtscan(db, { level: 'wijk', gemeente: wijk.gemeente_code, indicators }, now, primary),
    buurtscan(db, { level: 'gemeente', gemeente: wijk.gemeente_code, indicators }, now, primary),
  ]);
  const wijkValues = ofWijk.areas.find((row) => row.code === code)!.values;
  const gemeenteValues = ofGemeente.areas[0]?.values ?? {};
  const comparisons = indicators.flatMap((indicator) => {
    const value = wijkValues[indicator];
    const gemeenteValue = gemeenteValues[indicator];
    if (value === null || value === undefined || gemeenteValue === null || gemeenteValue === undefined) return [];
    return [{ indicator, value, gemeenteValue, ratio: gemeenteValue === 0 ? null : Math.round((value / gemeenteValue) * 100) / 100 }];
  });
  const rated = comparisons.filter((comparison) => comparison.ratio !== null) as Array<(typeof comparisons)[number] & { ratio: number }>;

  const buurtPrefix = `BU${code.slice(2)}`;
  const gapsByTarget = [];
  for (const target of REACH_TARGETS) {
    const select = 'categories' in target.select ? { categories: target.select.categories } : { kinds: target.select.kinds };
    const rows = await repository.gaps(db, { year: await yearOf(db, 'buurt', undefined), gemeente: wijk.gemeente_code }, select, 1000);
    gapsByTarget.push({
      target: target.code,
      buurten: rows
        .filter((row) => row.code.startsWith(buurtPrefix))
        .map((row) => ({ code: row.code, name: row.name, nearestMeters: row.nearest === null ? null : Math.round(row.nearest) })),
    });
  }
  const { rows: carried } = await listAssets(db, { area: [code] }, { limit: 100, offset: 0 });

  return {
    wijk: { code, name: wijk.name, inhabitants: wijk.inhabitants, gemeenteCode: wijk.gemeente_code, year },
    strengths: rated.filter((c) => c.ratio >= 1.2).sort((a, b) => b.ratio - a.ratio).slice(0, 6),
    weaknesses: rated.filter((c) => c.ratio <= 0.8).sort((a, b) => a.ratio - b.ratio).slice(0, 6),
    gaps: gapsByTarget,
    assets: carried.map((asset) => ({ id: asset.id, name: asset.name, kind: asset.kind, category: asset.category })),
    computedAt: now.toISOString(),
  };
}
