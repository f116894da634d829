import { describe, expect, it } from 'vitest';
import { fromVectorTileJs, type VectorTileLayerLike } from '@maplibre/vt-pbf';
import { encodeTile, type TileFeature } from '../server/src/modules/tiles/mvt.ts';
import { decodeTile } from './helpers/tiles.ts';

/** Every layer's features as plain data: type, id, properties and geometry in tile units. */
function decoded(bytes: Uint8Array) {
  const tile = decodeTile(Buffer.from(bytes));
  return Object.fromEntries(
    Object.entries(tile.layers).map(([name, layer]) => [
      name,
      {
        extent: layer.extent,
        features: Array.from({ length: layer.length }, (_, i) => {
          const feature = layer.feature(i);
          return { type: feature.type, id: feature.id, properties: feature.properties, geometry: feature.loadGeometry().map((ring) => ring.map(({ x, y }) => [x, y])) };
        }),
      },
    ]),
  );
}

/** The same layers through @maplibre/vt-pbf, the reference encoder. */
function reference(layers: Record<string, TileFeature[]>) {
  return fromVectorTileJs({
    layers: Object.fromEntries(
      Object.entries(layers)
        .filter(([, features]) => features.length > 0)
        .map(([name, features]) => [
          name,
          {
            version: 2,
            name,
            extent: 4096,
            length: features.length,
            feature: (i: number) => ({ ...features[i]!, extent: 4096, loadGeometry: () => features[i]!.rings as never }),
          } as unknown as VectorTileLayerLike,
        ]),
    ),
  });
}

describe('the vector tile encoder', () => {
  const square = [[{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 100 }, { x: 0, y: 100 }, { x: 0, y: 0 }]];
  const layers: Record<string, TileFeature[]> = {
    assets: [
      { type: 1, properties: { id: 'a1', kind: 'initiative', name: 'Café “De Één”' }, rings: [[{ x: 10, y: 4090 }]] },
      { type: 1, properties: { id: 'a2', kind: 'initiative', name: '' }, rings: [[{ x: -20, y: 4100 }]] },
    ],
    clusters: [
      { type: 1, id: 7, properties: { count: 12, share: 0.25, below: -3, open: true, kind: '12' }, rings: [[{ x: 2048, y: 2048 }]] },
    ],
    areas: [{ type: 3, properties: { code: 'BU05460001' }, rings: [...square, [{ x: 20, y: 20 }, { x: 20, y: 80 }, { x: 80, y: 80 }, { x: 20, y: 20 }]] }],
    empty: [],
  };

  it('writes what the reference encoder writes: points, polygons with holes, every kind of value', () => {
    expect(decoded(encodeTile(layers, 4096))).toEqual(decoded(reference(layers)));
  });

  it('leaves empty layers out and keeps a number apart from the same text', () => {
    const tile = decoded(encodeTile(layers, 4096));
    expect(Object.keys(tile).sort()).toEqual(['areas', 'assets', 'clusters']);
    expect(tile.clusters!.features[0]!.properties).toEqual({ count: 12, share: 0.25, below: -3, open: true, kind: '12' });
    expect(typeof tile.clusters!.features[0]!.properties.count).toBe('number');
    expect(typeof tile.clusters!.features[0]!.properties.kind).toBe('string');
  });
});
