import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * GeoPackage files (CBS publishes its wijk- en buurtkaart as one) read with GDAL, the library
 * the field itself uses: `ogr2ogr` turns each layer into GeoJSON in WGS84, whatever the file's
 * own coordinate system. GDAL is a system package (`apt-get install gdal-bin`); without it, a
 * GeoPackage is refused with a message that says so, and GeoJSON works as always.
 */
const run = promisify(execFile);
/** A CBS kaart of every buurt is about 200 MB as GeoJSON; a layer beyond this is refused. */
const MAX_OUTPUT = 300 * 1024 * 1024;
const TIMEOUT_MS = 120_000;
/** Layer names as GeoPackages name tables; anything else could be read by GDAL as an option. */
const LAYER_NAME = /^[A-Za-z0-9_]+$/;

export class GeoPackageError extends Error {
  override name = 'GeoPackageError';
}

/** SQLite's header: a GeoPackage is an SQLite database. */
export function isGeoPackage(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 16)).toString('latin1') === 'SQLite format 3\u0000';
}

/** Every feature layer of a GeoPackage as one GeoJSON FeatureCollection in WGS84. */
export async function geoPackageToGeoJson(bytes: Uint8Array): Promise<{ type: 'FeatureCollection'; features: unknown[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kwartier-gpkg-'));
  const file = path.join(dir, 'upload.gpkg');
  try {
    await writeFile(file, bytes);
    // "GPKG:" holds GDAL to its GeoPackage driver, whatever else the bytes might look like.
    const source = `GPKG:${file}`;
    let layers: string[];
    try {
      const { stdout } = await run('ogrinfo', ['-q', '-so', source], { maxBuffer: MAX_OUTPUT, timeout: TIMEOUT_MS });
      // "1: buurten (Multi Polygon)"
      layers = stdout.split('\n').flatMap((line) => /^\d+: (\S+)/.exec(line)?.[1] ?? []);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new GeoPackageError('reading a GeoPackage needs GDAL on the server (apt-get install gdal-bin); send GeoJSON instead');
      throw new GeoPackageError('the GeoPackage cannot be read');
    }
    if (layers.length === 0) throw new GeoPackageError('the GeoPackage has no feature layers');
    const odd = layers.find((layer) => !LAYER_NAME.test(layer));
    if (odd) throw new GeoPackageError(`the GeoPackage has a layer named "${odd.slice(0, 60)}"; expected names of letters, digits and _`);
    const features: unknown[] = [];
    for (const layer of layers) {
      let stdout: string;
      try {
        ({ stdout } = await run('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', '-lco', 'RFC7946=YES', '/vsistdout/', source, layer], { maxBuffer: MAX_OUTPUT, timeout: TIMEOUT_MS }));
      } catch {
        throw new GeoPackageError(`layer ${layer} cannot be read, or is larger than ${MAX_OUTPUT / 2 ** 20} MB as GeoJSON or takes longer than ${TIMEOUT_MS / 1000} s`);
      }
      features.push(...(JSON.parse(stdout) as { features: unknown[] }).features);
    }
    return { type: 'FeatureCollection', features };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
