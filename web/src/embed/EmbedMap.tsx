import { useEffect, useRef } from 'react';
import { AttributionControl, Map as MapLibreMap, NavigationControl, setWorkerUrl, type GeoJSONSource, type RequestParameters } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { AreaFeature } from '@kwartier/shared';
import { installIcons } from '../features/map/icons.ts';
import { AREA_MIN_ZOOM, CLICKABLE_LAYERS, GEMEENTE_MIN_ZOOM, OFFLINE_STYLE, OUR_LAYERS, SOURCES, cbsAttribution } from '../features/map/layers.ts';
import { useI18n } from '../i18n/I18nContext.tsx';

setWorkerUrl(workerUrl);

export type EmbedView = { lon: number; lat: number; zoom: number };

type Props = {
  /** The filters as a query string, for the asset tiles. */
  tileQuery: string;
  /** The preset areas, outlined; the map starts on them. */
  areas: AreaFeature[];
  /** Where to start without areas: where the data is. */
  bounds: [number, number, number, number] | null;
  selected: string | null;
  focus: { lon: number; lat: number; key: string } | null;
  onSelect: (id: string) => void;
  onViewChange: (view: EmbedView) => void;
};

/** The sources the embed has: no search point and no buurtscan. */
const EMBED_SOURCES = new Set<string>([SOURCES.assets, SOURCES.areas, SOURCES.gemeenten, SOURCES.outline]);
const EMBED_LAYERS = OUR_LAYERS.filter((layer) => 'source' in layer && EMBED_SOURCES.has(layer.source) && !layer.id.startsWith('buurtscan-'));

/**
 * Every request of the map goes to Kwartier without cookies (fetch's "omit"; MapLibre's types
 * know only "same-origin" and "include", but hand the value to fetch as it is).
 */
const anonymous = (url: string): RequestParameters => ({ url, credentials: 'omit' as RequestParameters['credentials'] });

function boundsOfAreas(areas: AreaFeature[]): [number, number, number, number] | null {
  let [west, south, east, north] = [180, 90, -180, -90];
  for (const area of areas) {
    for (const polygon of area.geometry.coordinates) {
      for (const ring of polygon) {
        for (const position of ring) {
          const [lon, lat] = position as [number, number];
          [west, east, south, north] = [Math.min(west, lon), Math.max(east, lon), Math.min(south, lat), Math.max(north, lat)];
        }
      }
    }
  }
  return west < east ? [west, south, east, north] : null;
}

/**
 * The embed's map: the offline style only, whatever basemap the app is configured with (a
 * basemap provider would learn who visits the library's page), with Kwartier's own areas and
 * assets on it.
 */
export function EmbedMap(props: Props) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    if (!container.current) return;
    const origin = window.location.origin;
    const start = boundsOfAreas(props.areas) ?? props.bounds;
    const map = new MapLibreMap({
      container: container.current,
      style: OFFLINE_STYLE,
      center: [5.25, 52.1],
      zoom: 7,
      ...(start ? { bounds: start, fitBoundsOptions: { padding: 20 } } : {}),
      attributionControl: false,
      maxZoom: 19,
      locale: { ...t.mapControls, ...t.embed.gestures },
      // Scrolling the page of the site that embeds it scrolls that page; Ctrl and two fingers move the map.
      cooperativeGestures: true,
      transformRequest: anonymous,
    });
    mapRef.current = map;
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new AttributionControl({ customAttribution: cbsAttribution(t.attributionAreas) }), 'bottom-right');
    map.on('load', () => {
      installIcons(map);
      const areaSource = (level: 'buurt' | 'gemeente', minzoom: number) => ({
        type: 'vector' as const,
        tiles: [`${origin}/tiles/areas/{z}/{x}/{y}.mvt?level=${level}`],
        minzoom,
        maxzoom: level === 'buurt' ? 16 : 12,
        attribution: cbsAttribution(t.attributionAreas),
      });
      map.addSource(SOURCES.areas, areaSource('buurt', AREA_MIN_ZOOM));
      map.addSource(SOURCES.gemeenten, areaSource('gemeente', GEMEENTE_MIN_ZOOM));
      const query = latest.current.tileQuery;
      map.addSource(SOURCES.assets, { type: 'vector', tiles: [`${origin}/tiles/assets/{z}/{x}/{y}.mvt${query ? `?${query}` : ''}`], maxzoom: 18 });
      map.addSource(SOURCES.outline, {
        type: 'geojson',
        data: { type: 'FeatureCollection', features: latest.current.areas.map((area) => ({ type: 'Feature', properties: {}, geometry: area.geometry })) },
      });
      for (const layer of EMBED_LAYERS) map.addLayer(layer);
      map.setFilter('asset-selected', ['==', ['get', 'id'], latest.current.selected ?? '']);
      container.current?.setAttribute('data-map-ready', 'true');
      map.once('idle', () => {
        // In a small frame the attribution starts folded behind its (i) button, off the map.
        const attribution = container.current?.querySelector('.maplibregl-compact');
        attribution?.classList.remove('maplibregl-compact-show');
        attribution?.removeAttribute('open');
        container.current?.setAttribute('data-first-idle-ms', String(Math.round(performance.now())));
      });
    });
    map.on('click', (event) => {
      const layers = CLICKABLE_LAYERS.filter((id) => map.getLayer(id));
      const [hit] = layers.length > 0 ? map.queryRenderedFeatures(event.point, { layers }) : [];
      if (hit && hit.layer.id === 'asset-clusters') map.easeTo({ center: event.lngLat, zoom: map.getZoom() + 2 });
      else if (hit && typeof hit.properties.id === 'string') latest.current.onSelect(hit.properties.id);
    });
    map.on('mousemove', (event) => {
      const layers = CLICKABLE_LAYERS.filter((id) => map.getLayer(id));
      const hits = layers.length > 0 ? map.queryRenderedFeatures(event.point, { layers }) : [];
      map.getCanvas().style.cursor = hits.length > 0 ? 'pointer' : '';
    });
    const reportView = () => {
      const center = map.getCenter();
      latest.current.onViewChange({ lon: center.lng, lat: center.lat, zoom: map.getZoom() });
    };
    map.on('moveend', reportView);
    map.once('load', reportView);
    return () => {
      map.remove();
      mapRef.current = null;
    };
    // The map is made once, with the areas and bounds known before it is shown.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (map?.getLayer('asset-selected')) map.setFilter('asset-selected', ['==', ['get', 'id'], props.selected ?? '']);
  }, [props.selected]);

  useEffect(() => {
    const map = mapRef.current;
    if (props.focus && map) map.flyTo({ center: [props.focus.lon, props.focus.lat], zoom: Math.max(map.getZoom(), 15) });
  }, [props.focus]);

  // The outline, should the areas arrive after the map was made.
  useEffect(() => {
    mapRef.current?.getSource<GeoJSONSource>(SOURCES.outline)?.setData({
      type: 'FeatureCollection',
      features: props.areas.map((area) => ({ type: 'Feature', properties: {}, geometry: area.geometry })),
    });
  }, [props.areas]);

  return <div ref={container} className="map" role="region" aria-label={t.mapLabel} data-testid="map" />;
}
