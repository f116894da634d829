import type { Kysely } from 'kysely';
import {
  type Buurtscan,
  type BuurtscanQuery,
  INDICATORS,
  INDICATOR_GROUPS,
  INDICATOR_UNITS,
  type Indicator,
  indicatorByCode,
} from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { latestYear } from '../areas/areas.repository.ts';
import * as repository from './buurtscan.repository.ts';

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

async function yearOf(db: Kysely<DB>, level: 'buurt' | 'wijk' | 'gemeente', year: number | undefined): Promise<number> {
  const resolved = year ?? (await latestYear(db, level));
  if (resolved === null) throw new AppError('NOT_FOUND', 404, `No ${level} areas are loaded`);
  return resolved;
}

/**
 * The buurtscan: every asked indicator for every area of a level (in one gemeente, or all),
 * computed in the database. Counts and ratios come from one aggregate query; each reach
 * indicator from one spatial query.
 */
export async function buurtscan(db: Kysely<DB>, query: BuurtscanQuery, now: Date): Promise<Buurtscan> {
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
  for (const indicator of indicators) {
    if (indicator.measure.type !== 'reach') continue;
    reach.set(indicator.code, await repository.areaReach(db, scope, indicator.measure.select, indicator.measure.meters));
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
