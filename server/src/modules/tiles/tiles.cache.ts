import { gzip } from 'node:zlib';
import { EXTENT, POINT_BUFFER } from './tiles.repository.ts';

/**
 * The tiles this process made, kept in memory until they are stale or crowded out.
 *
 * - Least recently used goes first once the tiles' bytes pass `maxBytes`.
 * - Stale means a change was committed under the tile: the database says so through NOTIFY
 *   (see migrations/20261201110000_tile_invalidation.ts and `applyNotification`), to every
 *   process alike, so several processes behind a load balancer serve the same tiles.
 * - A tile made while an invalidation came in may hold the old data (its query can have
 *   started before the commit), so it is served but not kept: `generation` tells.
 * - Concurrent requests for a tile nobody has yet wait for one query, not one each.
 */

/**
 * A tile's bytes, and once it is kept, the same bytes gzipped: a warm tile is asked for again
 * and again, so it is compressed once, off the request's path, rather than by a proxy each time.
 */
export type CachedTile = { body: Buffer; etag: string; gzipped?: Buffer };

export type TileLayer = 'assets' | 'areas';

/** Where a tile is and which variant of it (its filters, level or year): the cache's key. */
export type TileKey = { layer: TileLayer; z: number; x: number; y: number; variant: string };

type Entry = { key: string; address: string; layer: TileLayer; z: number; tile: CachedTile; urls: Set<string> };

/**
 * How far past its edge a tile shows assets, as a share of its width. Symbols at the edge are
 * drawn from both tiles, so a change there stales both.
 */
const EDGE_SHARE = POINT_BUFFER / EXTENT;
/**
 * The NOTIFY rounds places to 6 decimals (±5e-7°): a margin of twice that, with room for
 * Mercator's stretch of latitude, so that a place at an edge does not miss a tile at z22.
 */
const ROUNDING_DEGREES = 4e-6;

const MAX_URLS_PER_TILE = 4;
/** A URL longer than this is not remembered for the warm path (a map's URLs are far shorter). */
const MAX_REMEMBERED_URL = 512;
/**
 * What an entry costs beside its bytes: its key, its URLs, the maps that hold them. Counted,
 * so that many empty tiles (the sea, with made-up filters) cannot fill memory unbounded.
 */
const ENTRY_OVERHEAD = 256;

const addressOf = (layer: TileLayer, z: number, x: number, y: number) => `${layer}/${z}/${x}/${y}`;

/** The fraction (0 to 1) across the Web Mercator square of a longitude and a latitude. */
function mercatorFraction(lon: number, lat: number): { fx: number; fy: number } {
  const clampedLat = Math.max(-85.05112878, Math.min(85.05112878, lat));
  const sin = Math.sin((clampedLat * Math.PI) / 180);
  return { fx: lon / 360 + 0.5, fy: 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI) };
}

/** The tiles at zoom z whose square, widened by the edge share, holds the place: one to four. */
export function tilesHolding(lon: number, lat: number, z: number): Array<{ x: number; y: number }> {
  const size = 2 ** z;
  const { fx, fy } = mercatorFraction(lon, lat);
  const margin = EDGE_SHARE + (size * ROUNDING_DEGREES) / 360;
  const span = (fraction: number) => {
    const lowest = Math.max(0, Math.floor(fraction * size - margin));
    const highest = Math.min(size - 1, Math.floor(fraction * size + margin));
    return lowest === highest ? [lowest] : [lowest, highest];
  };
  return span(fx).flatMap((x) => span(fy).map((y) => ({ x, y })));
}

export type TileNotification = { assets?: 'all' | Array<[number, number]>; areas?: 'all' };

/** Reads a message of the kwartier_tiles channel; anything unreadable stales everything. */
export function parseNotification(payload: string): TileNotification {
  try {
    const message = JSON.parse(payload) as TileNotification;
    if (typeof message === 'object' && message !== null) return message;
  } catch {
    // fall through
  }
  return { assets: 'all', areas: 'all' };
}

export class TileCache {
  /** Map order is use order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  /** Cache keys per tile address, to find a tile's variants when a place in it changes. */
  private readonly byAddress = new Map<string, Set<string>>();
  private readonly inFlight = new Map<string, Promise<CachedTile>>();
  /** Request URLs, exactly as sent, that were answered with a kept tile: see `byUrl`. */
  private readonly urlIndex = new Map<string, string>();
  /**
   * How many kept asset tiles each zoom has: a notification looks at the zooms kept, without
   * walking every entry (it comes once per committed write).
   */
  private readonly assetZooms = new Map<number, number>();
  private bytes = 0;
  /** Counts invalidations; a tile made across one is not kept. */
  private generation = 0;
  readonly stats = { hits: 0, misses: 0, invalidated: 0 };

  constructor(private readonly maxBytes: number) {}

  get size(): { tiles: number; bytes: number } {
    return { tiles: this.entries.size, bytes: this.bytes };
  }

  /**
   * The kept tile a request URL was answered with before, for the warm path: the URL was
   * validated and resolved to its variant then, so it need not be again.
   */
  byUrl(url: string): CachedTile | undefined {
    const cacheKey = this.urlIndex.get(url);
    return cacheKey === undefined ? undefined : this.hit(cacheKey);
  }

  /** The tile from memory, or made by `make` (once, however many ask at the same time). */
  async through(key: TileKey, make: () => Promise<CachedTile>, url?: string): Promise<CachedTile> {
    const cacheKey = `${addressOf(key.layer, key.z, key.x, key.y)}?${key.variant}`;
    const kept = this.hit(cacheKey);
    if (kept) {
      if (url !== undefined) this.alias(url, cacheKey);
      return kept;
    }
    this.stats.misses++;
    const pending = this.inFlight.get(cacheKey);
    if (pending) return pending;
    const startedAt = this.generation;
    const making: Promise<CachedTile> = make()
      .then((tile) => {
        if (this.generation === startedAt) {
          this.keep(cacheKey, key, tile);
          if (url !== undefined) this.alias(url, cacheKey);
        }
        return tile;
      })
      .finally(() => {
        // An invalidation may have let a newer request start its own: leave that one be.
        if (this.inFlight.get(cacheKey) === making) this.inFlight.delete(cacheKey);
      });
    this.inFlight.set(cacheKey, making);
    return making;
  }

  /** A kept tile, now the most recently used. */
  private hit(cacheKey: string): CachedTile | undefined {
    const entry = this.entries.get(cacheKey);
    if (!entry) return undefined;
    this.stats.hits++;
    this.entries.delete(cacheKey);
    this.entries.set(cacheKey, entry);
    return entry.tile;
  }

  /**
   * Remembers that `url` asks for this entry. A few spellings per tile (the order of a list
   * may differ): past that they go the long way, so that made-up permutations cannot fill memory.
   */
  private alias(url: string, cacheKey: string): void {
    const entry = this.entries.get(cacheKey);
    if (!entry || entry.urls.size >= MAX_URLS_PER_TILE || url.length > MAX_REMEMBERED_URL || this.urlIndex.has(url)) return;
    entry.urls.add(url);
    this.urlIndex.set(url, cacheKey);
    this.bytes += url.length;
    this.evictOverflow();
  }

  /** Stales what a committed change touched (a message of the kwartier_tiles channel). */
  applyNotification(message: TileNotification): void {
    this.generation++;
    this.inFlight.clear();
    if (message.areas === 'all') this.dropLayer('areas');
    if (message.assets === 'all') this.dropLayer('assets');
    else if (Array.isArray(message.assets)) {
      for (const [lon, lat] of message.assets) {
        for (const z of [...this.assetZooms.keys()]) {
          for (const { x, y } of tilesHolding(lon, lat, z)) this.dropAddress(addressOf('assets', z, x, y));
        }
      }
    }
  }

  /** Everything may be stale: notifications were missed while the connection was down. */
  clear(): void {
    this.generation++;
    this.inFlight.clear();
    this.dropLayer('assets');
    this.dropLayer('areas');
  }

  /** What an entry counts against `maxBytes`, its gzipped copy and URLs apart. */
  private static cost(cacheKey: string, tile: CachedTile): number {
    return ENTRY_OVERHEAD + cacheKey.length + tile.body.length;
  }

  private keep(cacheKey: string, key: TileKey, tile: CachedTile): void {
    if (TileCache.cost(cacheKey, tile) > this.maxBytes) return;
    // Two requests made the same tile across an invalidation: the later one replaces it.
    this.drop(cacheKey);
    const address = addressOf(key.layer, key.z, key.x, key.y);
    this.entries.set(cacheKey, { key: cacheKey, address, layer: key.layer, z: key.z, tile, urls: new Set() });
    if (key.layer === 'assets') this.assetZooms.set(key.z, (this.assetZooms.get(key.z) ?? 0) + 1);
    this.bytes += TileCache.cost(cacheKey, tile);
    let keys = this.byAddress.get(address);
    if (!keys) this.byAddress.set(address, (keys = new Set()));
    keys.add(cacheKey);
    this.evictOverflow();
    // In the thread pool, after the answer that made the tile has gone out.
    gzip(tile.body, (err, gzipped) => {
      if (err || this.entries.get(cacheKey)?.tile !== tile || gzipped.length >= tile.body.length) return;
      tile.gzipped = gzipped;
      this.bytes += gzipped.length;
      this.evictOverflow();
    });
  }

  private evictOverflow(): void {
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest);
    }
  }

  private drop(cacheKey: string): void {
    const entry = this.entries.get(cacheKey);
    if (!entry) return;
    this.entries.delete(cacheKey);
    this.bytes -= TileCache.cost(cacheKey, entry.tile) + (entry.tile.gzipped?.length ?? 0);
    for (const url of entry.urls) {
      this.urlIndex.delete(url);
      this.bytes -= url.length;
    }
    const keys = this.byAddress.get(entry.address);
    keys?.delete(cacheKey);
    if (keys?.size === 0) this.byAddress.delete(entry.address);
    if (entry.layer === 'assets') {
      const left = (this.assetZooms.get(entry.z) ?? 1) - 1;
      if (left > 0) this.assetZooms.set(entry.z, left);
      else this.assetZooms.delete(entry.z);
    }
  }

  private dropAddress(address: string): void {
    for (const cacheKey of this.byAddress.get(address) ?? []) {
      this.drop(cacheKey);
      this.stats.invalidated++;
    }
  }

  private dropLayer(layer: TileLayer): void {
    for (const entry of [...this.entries.values()]) {
      if (entry.layer === layer) {
        this.drop(entry.key);
        this.stats.invalidated++;
      }
    }
  }
}
