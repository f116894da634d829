import type { Kysely } from 'kysely';
import { type Place, roundCoordinate } from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import * as repository from './places.repository.ts';
import { searchLocatieserver } from './locatieserver.ts';

type Log = { warn(obj: object, msg: string): void };

/**
 * Places for "near": the names of buurten, wijken, gemeenten and assets from Kwartier's own
 * database always, and addresses and postcodes from PDOK's Locatieserver when it is configured
 * and answers. Without it, or when it is down, the own places still come back.
 */
export async function searchPlaces(db: Kysely<DB>, text: string, locatieserverUrl: string | null, log: Log): Promise<Place[]> {
  const external = locatieserverUrl
    ? searchLocatieserver(locatieserverUrl, text, 6).catch((err: unknown) => {
        log.warn({ error: { message: (err as Error).message } }, 'Locatieserver did not answer; own places only');
        return [] as Place[];
      })
    : Promise.resolve([] as Place[]);
  const [areas, assets, addresses] = await Promise.all([
    repository.areasByName(db, text, 6),
    repository.assetsByName(db, text, 6),
    external,
  ]);
  const seen = new Set<string>();
  const own: Place[] = [
    ...areas.map((area) => ({ label: area.name, type: area.level, lat: roundCoordinate(area.lat), lon: roundCoordinate(area.lon), source: 'kwartier' as const })),
    ...assets.map((asset) => ({ label: asset.name, type: 'asset' as const, lat: roundCoordinate(asset.lat), lon: roundCoordinate(asset.lon), source: 'kwartier' as const })),
  ].filter((place) => {
    const key = `${place.type}:${place.label}:${place.lat}:${place.lon}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  // A few of each, so that addresses do not push every buurt and asset off the list.
  const areaPlaces = own.filter((place) => place.type !== 'asset');
  const assetPlaces = own.filter((place) => place.type === 'asset');
  return [...addresses.slice(0, 4), ...areaPlaces.slice(0, 4), ...assetPlaces.slice(0, 4)];
}
