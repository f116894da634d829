import type { Kysely } from 'kysely';
import { type Area, type AreaFeature, type AreaListQuery, type AreaSummary, type GeoJsonMultiPolygon, roundCoordinate } from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { notFound } from '../../lib/errors.ts';
import * as repository from './areas.repository.ts';
import type { AreaRecord, AreaSummaryRecord } from './areas.repository.ts';

function toSummary(record: AreaSummaryRecord): AreaSummary {
  return {
    code: record.code,
    year: record.year,
    level: record.level,
    name: record.name,
    parentCode: record.parent_code,
    gemeenteCode: record.gemeente_code,
    inhabitants: record.inhabitants,
    households: record.households,
  };
}

function toFeature(record: AreaRecord): AreaFeature {
  const properties: Area = {
    ...toSummary(record),
    landAreaHectares: record.land_area_ha,
    keyFigures: record.key_figures,
    labelPoint: { type: 'Point', coordinates: [roundCoordinate(record.label_lon), roundCoordinate(record.label_lat)] },
  };
  return { type: 'Feature', id: record.code, geometry: JSON.parse(record.geometry) as GeoJsonMultiPolygon, properties };
}

/** Areas of a level or under a parent, for one year: by default the newest loaded. */
export async function listAreas(db: Kysely<DB>, query: AreaListQuery) {
  const year = query.year ?? (await repository.latestYear(db, query.level));
  if (year === null) return { items: [], year: null };
  const rows = await repository.listAreas(db, {
    year,
    ...(query.level ? { level: query.level } : {}),
    ...(query.parent ? { parentCode: query.parent } : {}),
    ...(query.q ? { nameContains: query.q } : {}),
  });
  return { items: rows.map(toSummary), year };
}

export async function getArea(db: Kysely<DB>, code: string, year?: number): Promise<AreaFeature> {
  const record = await repository.findArea(db, code, year);
  if (!record) throw notFound(year ? `Area ${code} in ${year}` : `Area ${code}`);
  return toFeature(record);
}

/** The gemeente, wijk and buurt that hold a point, each in the newest year that has one. */
export async function areasContaining(db: Kysely<DB>, lon: number, lat: number, year?: number) {
  const rows = await repository.areasContaining(db, lon, lat, year);
  const newestPerLevel = new Map<string, AreaSummaryRecord>();
  for (const row of rows) if (!newestPerLevel.has(row.level)) newestPerLevel.set(row.level, row);
  const order = ['gemeente', 'wijk', 'buurt'];
  const items = [...newestPerLevel.values()].sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
  return { items: items.map(toSummary) };
}
