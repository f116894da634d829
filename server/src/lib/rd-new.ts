import proj4 from 'proj4';

/**
 * RD New (EPSG:28992, "Amersfoort / RD New"), the Dutch national grid that CBS, PDOK and many
 * municipal files use, converted to WGS84 with proj4 and the datum shift the EPSG registry
 * gives (accurate to about a metre, more than enough for a buurt or an address).
 */
export const RD_NEW_PROJ =
  '+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel ' +
  '+towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 +units=m +no_defs';
const rdToWgs84 = proj4(RD_NEW_PROJ, 'WGS84');

const round7 = (value: number) => Math.round(value * 1e7) / 1e7;

/** [x, y] in RD New to [longitude, latitude], to seven decimals (about a centimetre). */
export function rdNewToWgs84(x: number, y: number): [number, number] {
  const [lon, lat] = rdToWgs84.forward([x, y]) as [number, number];
  return [round7(lon), round7(lat)];
}

/** The European Netherlands in RD New: x 0 to 300 km, y 289 to 629 km (with a margin at sea). */
export function isInRdNewExtent(x: number, y: number): boolean {
  return x >= -7000 && x <= 300_000 && y >= 289_000 && y <= 629_000;
}

/** The coordinate system a GeoJSON file's old-style `crs` member names, when it names one we read. */
export function declaredCrs(crs: unknown): 'EPSG:4326' | 'EPSG:28992' | undefined {
  const name = String((crs as { properties?: { name?: unknown } } | undefined)?.properties?.name ?? '');
  if (/28992/.test(name)) return 'EPSG:28992';
  if (/4326|CRS84/.test(name)) return 'EPSG:4326';
  return undefined;
}
