import type { Kysely, Transaction } from 'kysely';
import { AREA_CODE_PATTERN, type AreaImportReport, type AreaLevel, type ImportProblem } from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { type AreaInput, areaCodesOf, deleteAreas, rederiveAssetAreas, upsertArea } from '../areas/areas.repository.ts';
import { GeoPackageError, geoPackageToGeoJson, isGeoPackage } from '../../lib/geopackage.ts';
import { declaredCrs, rdNewToWgs84 } from '../../lib/rd-new.ts';

/**
 * CBS wijk- en buurtkaart files as they come, in either edition Kwartier meets: the classic
 * kaart with kerncijfers (upper-case BU_CODE, WK_CODE, GM_CODE, -99999999 for secret figures)
 * and PDOK's export (lower-case buurtcode, wijkcode, gemeentecode). In WGS84 or RD New. A
 * gemeente spread over several features (land and water) becomes one area.
 *
 * A re-import replaces one year's areas of the gemeenten in the file cleanly: areas of those
 * gemeenten that the file no longer has (a buurt merged into another) are removed, the rest
 * replaced, and every asset's buurt, wijk and gemeente derived again; all in one transaction.
 */

export type FeatureCollection = { type: 'FeatureCollection'; crs?: { properties?: { name?: unknown } }; features: Feature[] };
type Feature = { type: 'Feature'; properties: Record<string, unknown> | null; geometry: { type: string; coordinates: unknown } | null };

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

/** Where an edition keeps what Kwartier reads, per level; the most specific code decides the level. */
type Edition = {
  codes: Record<AreaLevel, string>;
  names: Record<AreaLevel, string>;
  inhabitants: string;
  households: string;
  landAreaHectares: string | null;
  /** Fields that identify an area rather than describe it: not key figures. */
  identity: string[];
};

const EDITIONS: Record<'kwb' | 'pdok', Edition> = {
  kwb: {
    codes: { buurt: 'BU_CODE', wijk: 'WK_CODE', gemeente: 'GM_CODE' },
    names: { buurt: 'BU_NAAM', wijk: 'WK_NAAM', gemeente: 'GM_NAAM' },
    inhabitants: 'AANT_INW',
    households: 'AANTAL_HH',
    landAreaHectares: 'OPP_LAND',
    identity: ['BU_CODE', 'BU_NAAM', 'WK_CODE', 'WK_NAAM', 'GM_CODE', 'GM_NAAM', 'IND_WBI', 'POSTCODE', 'DEK_PERC'],
  },
  pdok: {
    codes: { buurt: 'buurtcode', wijk: 'wijkcode', gemeente: 'gemeentecode' },
    names: { buurt: 'buurtnaam', wijk: 'wijknaam', gemeente: 'gemeentenaam' },
    inhabitants: 'aantal_inwoners',
    households: 'huishoudens',
    landAreaHectares: null,
    identity: ['buurtcode', 'buurtnaam', 'wijkcode', 'wijknaam', 'gemeentecode', 'gemeentenaam'],
  },
};

const LEVELS: AreaLevel[] = ['buurt', 'wijk', 'gemeente'];
const PARENT: Record<AreaLevel, AreaLevel | null> = { buurt: 'wijk', wijk: 'gemeente', gemeente: null };

export type AreaFile = { areas: AreaInput[]; problems: ImportProblem[] };

/** A GeoJSON file, or a GeoPackage (read through GDAL: see lib/geopackage.ts). */
export async function parseAreaFile(bytes: Uint8Array): Promise<FeatureCollection | ImportProblem> {
  if (isGeoPackage(bytes)) {
    try {
      return (await geoPackageToGeoJson(bytes)) as FeatureCollection;
    } catch (error) {
      return { row: null, field: 'file', message: error instanceof GeoPackageError ? error.message : 'the GeoPackage cannot be read', severity: 'error' };
    }
  }
  try {
    const document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as FeatureCollection;
    if (document?.type !== 'FeatureCollection' || !Array.isArray(document.features)) throw new Error('expected a GeoJSON FeatureCollection');
    return document;
  } catch (error) {
    return { row: null, field: 'file', message: error instanceof SyntaxError ? `not valid JSON: ${error.message}` : (error as Error).message, severity: 'error' };
  }
}

/** The areas of a CBS file, with a problem per feature that cannot be read. */
export function readCbsAreas(collection: FeatureCollection, options: { year: number; source: string }): AreaFile {
  const problems: ImportProblem[] = [];
  const problem = (row: number, field: string, message: string) => problems.push({ row, field, message, severity: 'error' });
  const rd = isRdNew(collection);
  const byCode = new Map<string, AreaInput>();

  collection.features.forEach((feature, index) => {
    const row = index + 1;
    const p = feature?.properties ?? {};
    const found = findLevel(p);
    if (!found) {
      problem(row, 'code', 'no CBS code: expected BU_CODE, WK_CODE or GM_CODE (or buurtcode, wijkcode, gemeentecode)');
      return;
    }
    const { edition, level } = found;
    const code = String(p[edition.codes[level]]).trim();
    const gemeenteCode = String(p[edition.codes.gemeente] ?? '').trim() || `GM${code.slice(2, 6)}`;
    if (!AREA_CODE_PATTERN.test(code)) return problem(row, edition.codes[level], `"${code}" is not a CBS code`);
    if (!/^GM\d{4}$/.test(gemeenteCode)) return problem(row, edition.codes.gemeente, `"${gemeenteCode}" is not a gemeente code`);
    const geometry = feature?.geometry;
    if (!geometry || !['Polygon', 'MultiPolygon'].includes(geometry.type)) return problem(row, 'geometry', `${code} has no polygon`);
    const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as number[][][][];
    if (!wellFormedPolygons(polygons)) return problem(row, 'geometry', `${code}: the polygon's coordinates are not rings of at least four [x, y] number pairs`);
    const wgs84 = rd ? polygons.map((polygon) => polygon.map((ring) => ring.map(([x, y]) => rdNewToWgs84(x!, y!)))) : polygons;

    const keyFigures: Record<string, number | null> = {};
    for (const [key, value] of Object.entries(p)) {
      if (!edition.identity.includes(key) && typeof value === 'number') keyFigures[key] = cbsNumber(value);
    }
    const parentLevel = PARENT[level];
    const area: AreaInput = {
      code,
      year: options.year,
      level,
      name: String(p[edition.names[level]] ?? '').trim() || code,
      parentCode: parentLevel ? parentCode(p, edition, level, code) : null,
      gemeenteCode,
      inhabitants: cbsCount(p[edition.inhabitants]),
      households: cbsCount(p[edition.households]),
      landAreaHectares: edition.landAreaHectares ? cbsNumber(p[edition.landAreaHectares]) : null,
      keyFigures,
      geometry: { type: 'MultiPolygon', coordinates: wgs84 },
      source: options.source,
    };
    const earlier = byCode.get(code);
    if (earlier) {
      // One gemeente in several features (land and water): one area, figures from the one that has them.
      (earlier.geometry as { coordinates: unknown[] }).coordinates.push(...wgs84);
      if (earlier.inhabitants === null) Object.assign(earlier, { inhabitants: area.inhabitants, households: area.households, keyFigures: area.keyFigures });
    } else {
      byCode.set(code, area);
    }
  });
  return { areas: [...byCode.values()], problems };
}

/** Rings of at least four positions of finite numbers: what PostGIS and proj4 can read. */
function wellFormedPolygons(polygons: unknown): polygons is number[][][][] {
  const isPosition = (position: unknown) =>
    Array.isArray(position) && position.length >= 2 && position.length <= 3 && position.every((n) => typeof n === 'number' && Number.isFinite(n));
  const isRing = (ring: unknown) => Array.isArray(ring) && ring.length >= 4 && ring.every(isPosition);
  return Array.isArray(polygons) && polygons.length > 0 && polygons.every((polygon) => Array.isArray(polygon) && polygon.length > 0 && polygon.every(isRing));
}

function findLevel(properties: Record<string, unknown>): { edition: Edition; level: AreaLevel } | undefined {
  for (const edition of Object.values(EDITIONS)) {
    for (const level of LEVELS) {
      const value = properties[edition.codes[level]];
      if (typeof value === 'string' && value.trim() !== '') return { edition, level };
    }
  }
  return undefined;
}

/** A buurt's wijk from its file, else from its code (BU0546 01 02 → WK0546 01). */
function parentCode(p: Record<string, unknown>, edition: Edition, level: AreaLevel, code: string): string {
  const parent = PARENT[level]!;
  const given = String(p[edition.codes[parent]] ?? '').trim();
  if (given) return given;
  return parent === 'wijk' ? `WK${code.slice(2, 8)}` : `GM${code.slice(2, 6)}`;
}

/** RD New when the file says so, or when its first coordinate is far beyond longitude and latitude. */
function isRdNew(collection: FeatureCollection): boolean {
  const declared = declaredCrs(collection.crs);
  if (declared) return declared === 'EPSG:28992';
  let first: unknown = collection.features.find((feature) => feature?.geometry)?.geometry?.coordinates;
  while (Array.isArray(first) && Array.isArray(first[0])) first = first[0];
  return Array.isArray(first) && typeof first[0] === 'number' && Math.abs(first[0]) > 180;
}


/**
 * Replaces one year's areas of the gemeenten in the file, inside the caller's transaction: a
 * file with problems changes nothing.
 */
export async function replaceAreas(trx: Transaction<DB> | Kysely<DB>, file: AreaFile, options: { year: number; dryRun: boolean }): Promise<AreaImportReport> {
  const gemeenten = [...new Set(file.areas.map((area) => area.gemeenteCode))];
  const levels = [...new Set(file.areas.map((area) => area.level))];
  const existing = await areaCodesOf(trx, { year: options.year, gemeenten, levels });
  const incoming = new Set(file.areas.map((area) => area.code));
  const removed = existing.filter((code) => !incoming.has(code));
  const report: AreaImportReport = {
    year: options.year,
    areas: file.areas.length,
    byLevel: { gemeente: 0, wijk: 0, buurt: 0, ...Object.fromEntries(levels.map((level) => [level, file.areas.filter((area) => area.level === level).length])) },
    created: file.areas.filter((area) => !existing.includes(area.code)).length,
    replaced: file.areas.filter((area) => existing.includes(area.code)).length,
    removed,
    problems: file.problems,
    committed: false,
    assetsRederived: 0,
  };
  if (options.dryRun || file.problems.length > 0 || file.areas.length === 0) return report;
  await deleteAreas(trx, { year: options.year, codes: removed });
  for (const area of file.areas) await upsertArea(trx, area);
  // The assets' buurt, wijk and gemeente follow the new boundaries.
  const assetsRederived = await rederiveAssetAreas(trx);
  return { ...report, committed: true, assetsRederived };
}
