import type { AreaLevel } from '@kwartier/shared';
import type { AreaInput } from '../server/src/modules/areas/areas.repository.ts';

/**
 * Reading a CBS wijk- en buurtkaart GeoJSON file as it comes: upper-case field names,
 * -99999999 for figures that are secret or unknown, and per level a different code field.
 */

type Feature = { type: 'Feature'; properties: Record<string, unknown>; geometry: { type: string } | null };
export type FeatureCollection = { type: 'FeatureCollection'; features: Feature[] };

/** CBS marks secret or unknown figures with large negative sentinels (-99999999, -99999997). */
const CBS_UNKNOWN_BELOW = -99_999_990;

export function cbsNumber(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= CBS_UNKNOWN_BELOW) return null;
  return value;
}

function cbsCount(value: unknown): number | null {
  const number = cbsNumber(value);
  return number === null || number < 0 ? null : Math.round(number);
}

/** Fields that identify an area rather than describe it: not key figures. */
const IDENTITY_FIELDS = new Set(['BU_CODE', 'BU_NAAM', 'WK_CODE', 'WK_NAAM', 'GM_CODE', 'GM_NAAM', 'IND_WBI', 'POSTCODE', 'DEK_PERC']);

const LEVEL_FIELDS: Record<AreaLevel, { code: string; name: string; parent: string | null }> = {
  gemeente: { code: 'GM_CODE', name: 'GM_NAAM', parent: null },
  wijk: { code: 'WK_CODE', name: 'WK_NAAM', parent: 'GM_CODE' },
  buurt: { code: 'BU_CODE', name: 'BU_NAAM', parent: 'WK_CODE' },
};

export class CbsFileError extends Error {
  override name = 'CbsFileError';
}

/** The areas of one CBS file, with the row number of anything that cannot be read. */
export function readCbsAreas(collection: FeatureCollection, level: AreaLevel, year: number, source: string): AreaInput[] {
  const fields = LEVEL_FIELDS[level];
  return collection.features.map((feature, index) => {
    const where = `${source} feature ${index + 1}`;
    const p = feature.properties ?? {};
    const code = String(p[fields.code] ?? '').trim();
    const name = String(p[fields.name] ?? '').trim();
    const gemeenteCode = String(p.GM_CODE ?? '').trim();
    if (!/^(GM\d{4}|WK\d{6}|BU\d{8})$/.test(code)) throw new CbsFileError(`${where}: ${fields.code} "${code}" is not a CBS code`);
    if (!/^GM\d{4}$/.test(gemeenteCode)) throw new CbsFileError(`${where}: GM_CODE "${gemeenteCode}" is not a gemeente code`);
    if (!feature.geometry || !['Polygon', 'MultiPolygon'].includes(feature.geometry.type)) {
      throw new CbsFileError(`${where}: ${code} has no polygon`);
    }
    const keyFigures: Record<string, number | null> = {};
    for (const [key, value] of Object.entries(p)) {
      if (IDENTITY_FIELDS.has(key) || typeof value !== 'number') continue;
      keyFigures[key] = cbsNumber(value);
    }
    return {
      code,
      year,
      level,
      name: name || code,
      parentCode: fields.parent ? String(p[fields.parent] ?? '').trim() || null : null,
      gemeenteCode,
      inhabitants: cbsCount(p.AANT_INW),
      households: cbsCount(p.AANTAL_HH),
      landAreaHectares: cbsNumber(p.OPP_LAND),
      keyFigures,
      geometry: feature.geometry,
      source,
    };
  });
}
