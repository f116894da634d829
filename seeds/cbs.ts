import { AREA_CODE_PATTERN, type AreaLevel } from '@kwartier/shared';
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

/** Where a CBS file keeps what Kwartier reads; the field names differ between editions. */
export type CbsFieldNames = {
  code: string;
  name: string;
  parent: string | null;
  gemeente: string;
  inhabitants: string;
  households: string;
  landAreaHectares: string | null;
  /** Fields that identify an area rather than describe it: not key figures. */
  identity: string[];
};

/** The wijk- en buurtkaart with kerncijfers, 2015 edition: upper-case names per level. */
export const KWB_2015_FIELDS: Record<AreaLevel, CbsFieldNames> = {
  gemeente: { code: 'GM_CODE', name: 'GM_NAAM', parent: null, gemeente: 'GM_CODE', inhabitants: 'AANT_INW', households: 'AANTAL_HH', landAreaHectares: 'OPP_LAND', identity: ['GM_CODE', 'GM_NAAM'] },
  wijk: { code: 'WK_CODE', name: 'WK_NAAM', parent: 'GM_CODE', gemeente: 'GM_CODE', inhabitants: 'AANT_INW', households: 'AANTAL_HH', landAreaHectares: 'OPP_LAND', identity: ['WK_CODE', 'WK_NAAM', 'GM_CODE', 'GM_NAAM', 'IND_WBI'] },
  buurt: { code: 'BU_CODE', name: 'BU_NAAM', parent: 'WK_CODE', gemeente: 'GM_CODE', inhabitants: 'AANT_INW', households: 'AANTAL_HH', landAreaHectares: 'OPP_LAND', identity: ['BU_CODE', 'BU_NAAM', 'WK_CODE', 'GM_CODE', 'GM_NAAM', 'IND_WBI', 'POSTCODE', 'DEK_PERC'] },
};

/** PDOK's wijken en buurten 2024 export: lower-case names, fewer figures. */
export const PDOK_2024_WIJK_FIELDS: CbsFieldNames = {
  code: 'wijkcode', name: 'wijknaam', parent: 'gemeentecode', gemeente: 'gemeentecode', inhabitants: 'aantal_inwoners',
  households: 'huishoudens', landAreaHectares: null, identity: ['wijkcode', 'wijknaam', 'gemeentecode', 'gemeentenaam'],
};

export class CbsFileError extends Error {
  override name = 'CbsFileError';
}

/** The areas of one CBS file, with the row number of anything that cannot be read. */
export function readCbsAreas(
  collection: FeatureCollection,
  level: AreaLevel,
  year: number,
  source: string,
  fields: CbsFieldNames = KWB_2015_FIELDS[level],
): AreaInput[] {
  const identity = new Set(fields.identity);
  return collection.features.map((feature, index) => {
    const where = `${source} feature ${index + 1}`;
    const p = feature.properties ?? {};
    const code = String(p[fields.code] ?? '').trim();
    const name = String(p[fields.name] ?? '').trim();
    const gemeenteCode = String(p[fields.gemeente] ?? '').trim();
    if (!AREA_CODE_PATTERN.test(code)) throw new CbsFileError(`${where}: ${fields.code} "${code}" is not a CBS code`);
    if (!/^GM\d{4}$/.test(gemeenteCode)) throw new CbsFileError(`${where}: ${fields.gemeente} "${gemeenteCode}" is not a gemeente code`);
    if (!feature.geometry || !['Polygon', 'MultiPolygon'].includes(feature.geometry.type)) {
      throw new CbsFileError(`${where}: ${code} has no polygon`);
    }
    const keyFigures: Record<string, number | null> = {};
    for (const [key, value] of Object.entries(p)) {
      if (identity.has(key) || typeof value !== 'number') continue;
      keyFigures[key] = cbsNumber(value);
    }
    return {
      code,
      year,
      level,
      name: name || code,
      parentCode: fields.parent ? String(p[fields.parent] ?? '').trim() || null : null,
      gemeenteCode,
      inhabitants: cbsCount(p[fields.inhabitants]),
      households: cbsCount(p[fields.households]),
      landAreaHectares: fields.landAreaHectares ? cbsNumber(p[fields.landAreaHectares]) : null,
      keyFigures,
      geometry: feature.geometry,
      source,
    };
  });
}
