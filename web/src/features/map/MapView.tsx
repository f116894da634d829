import { useEffect, useRef } from 'react';
import { AttributionControl, Map as MapLibreMap, NavigationControl, setWorkerUrl, type GeoJSONSource, type VectorTileSource } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { AreaFeature } from '@kwartier/shared';
import type { Filters, View } from '../../state/urlState.ts';
import { assetTileUrl } from '../../api/client.ts';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { installIcons } from './icons.ts';
import { loadBasemap } from './basemap.ts';
import type { ExpressionSpecification, FilterSpecification } from 'maplibre-gl';
import { NO_VALUE_COLOUR } from '../buurtscan/classes.ts';
import { AREA_MIN_ZOOM, ASSET_LAYERS, CLICKABLE_LAYERS, GEMEENTE_MIN_ZOOM, OUR_LAYERS, SOURCES, cbsAttribution } from './layers.ts';

setWorkerUrl(workerUrl);

type Props = {
  styleUrl: string | null;
  filters: Filters;
  near: { lat: number; lon: number; radius: number } | null;
  selected: string | null;
  initialView: View;
  /** Bounds to show first when the URL names no view: where the data is. */
  fitOnLoad: [number, number, number, number] | null;
  /** A place to fly to, e.g. a result chosen in the list. */
  focus: { lon: number; lat: number; zoom?: number; key: string } | null;
  /** A place marked on the map: the place chosen for a new entry, or one under review. */
  marker: { lat: number; lon: number } | null;
  /** While a place is being chosen, every click picks it, also a click on an asset. */
  picking: boolean;
  onSelect: (id: string) => void;
  onPick: (point: { lat: number; lon: number }) => void;
  onViewChange: (view: View, bounds: [number, number, number, number]) => void;
  /** The buurtscan: buurten coloured by class, one of them outlined; null on other pages. */
  choropleth?: Choropleth | null;
  /** Bounds to fit the map to, e.g. the gemeente of the buurtscan; a new key fits again. */
  fit?: { bounds: [number, number, number, number]; key: string } | null;
  /** A click on a buurt of the choropleth. */
  onAreaClick?: (code: string) => void;
  /** The drawn map as an image after each draw, while the choropleth shows: for the print view. */
  onSnapshot?: (dataUrl: string) => void;
  /** The boundary of the area a page is about, drawn as an outline; null draws none. */
  outline?: AreaFeature | null;
};

export type Choropleth = { colours: Record<string, string>; selected: string | null };

function applyChoropleth(map: MapLibreMap, choropleth: Choropleth | null | undefined) {
  if (!map.getLayer('buurtscan-fill')) return;
  const entries = Object.entries(choropleth?.colours ?? {});
  const inGemeente: FilterSpecification = ['in', ['get', 'code'], ['literal', entries.map(([code]) => code)]];
  map.setFilter('buurtscan-fill', inGemeente);
  map.setFilter('buurtscan-line', inGemeente);
  map.setPaintProperty('buurtscan-fill', 'fill-color', entries.length > 0
    ? (['match', ['get', 'code'], ...entries.flat(), NO_VALUE_COLOUR] as unknown as ExpressionSpecification)
    : NO_VALUE_COLOUR);
  map.setFilter('buurtscan-selected', ['==', ['get', 'code'], choropleth?.selected ?? '']);
  for (const id of ASSET_LAYERS) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', choropleth ? 'none' : 'visible');
}

/** A circle of `radius` metres as a polygon, for drawing the search area. */
function circle(lon: number, lat: number, radius: number) {
  const points = 64;
  const dLat = radius / 111_320;
  const dLon = radius / (111_320 * Math.cos((lat * Math.PI) / 180));
  const ring = Array.from({ length: points + 1 }, (_, i) => {
    const a = (i / points) * 2 * Math.PI;
    return [lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)];
  });
  return { type: 'Feature' as const, properties: {}, geometry: { type: 'Polygon' as const, coordinates: [ring] } };
}

function outlineData(outline: Props['outline']) {
  return { type: 'FeatureCollection' as const, features: outline ? [{ type: 'Feature' as const, properties: {}, geometry: outline.geometry }] : [] };
}

function markerData(marker: Props['marker']) {
  const features = marker ? [{ type: 'Feature' as const, properties: {}, geometry: { type: 'Point' as const, coordinates: [marker.lon, marker.lat] } }] : [];
  return { type: 'FeatureCollection' as const, features };
}

function nearData(near: Props['near']) {
  const features = near
    ? [circle(near.lon, near.lat, near.radius), { type: 'Feature' as const, properties: {}, geometry: { type: 'Point' as const, coordinates: [near.lon, near.lat] } }]
    : [];
  return { type: 'FeatureCollection' as const, features };
}

/**
 * The map, uncontrolled: MapLibre keeps its own camera, and React only pushes in what other
 * state decides (filters, the search point, the selection) and hears back clicks and moves.
 */
export function MapView(props: Props) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    let cancelled = false;
    let map: MapLibreMap | null = null;
    void loadBasemap(props.styleUrl).then(({ style }) => {
      if (cancelled || !container.current) return;
      const { initialView } = latest.current;
      map = new MapLibreMap({
        container: container.current,
        style,
        center: [initialView.lon, initialView.lat],
        zoom: initialView.zoom,
        attributionControl: false,
        maxZoom: 19,
        locale: t.mapControls,
        // The print view of the buurtscan copies the drawn canvas into an image.
        canvasContextAttributes: { preserveDrawingBuffer: true },
      });
      if (latest.current.fitOnLoad) map.fitBounds(latest.current.fitOnLoad, { padding: 40, animate: false });
      mapRef.current = map;
      map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
      map.addControl(new AttributionControl({ compact: false, customAttribution: cbsAttribution(t.attributionAreas) }), 'bottom-right');
      map.on('load', () => {
        if (!map) return;
        installIcons(map);
        const areaSource = (level: 'buurt' | 'gemeente', minzoom: number) => ({
          type: 'vector' as const,
          tiles: [`${window.location.origin}/tiles/areas/{z}/{x}/{y}.mvt?level=${level}`],
          minzoom,
          maxzoom: level === 'buurt' ? 16 : 12,
          attribution: cbsAttribution(t.attributionAreas),
        });
        map.addSource(SOURCES.areas, areaSource('buurt', AREA_MIN_ZOOM));
        map.addSource(SOURCES.gemeenten, areaSource('gemeente', GEMEENTE_MIN_ZOOM));
        map.addSource(SOURCES.assets, { type: 'vector', tiles: [assetTileUrl(latest.current.filters)], maxzoom: 18 });
        map.addSource(SOURCES.near, { type: 'geojson', data: nearData(latest.current.near) });
        map.addSource(SOURCES.marker, { type: 'geojson', data: markerData(latest.current.marker) });
        map.addSource(SOURCES.outline, { type: 'geojson', data: outlineData(latest.current.outline) });
        for (const layer of OUR_LAYERS) map.addLayer(layer);
        map.setFilter('asset-selected', ['==', ['get', 'id'], latest.current.selected ?? '']);
        applyChoropleth(map, latest.current.choropleth);
        if (latest.current.fit) map.fitBounds(latest.current.fit.bounds, { padding: 30, animate: false });
        container.current?.setAttribute('data-map-ready', 'true');
        // When the first view with our data is fully drawn, in ms since navigation: for the
        // benchmark (npm run bench:web) and for tests that must wait for a drawn map.
        map.once('idle', () => container.current?.setAttribute('data-first-idle-ms', String(Math.round(performance.now()))));
      });
      map.on('idle', () => {
        // Not while printing: the map is hidden then, and its canvas resized to nothing useful.
        if (map && latest.current.choropleth && latest.current.onSnapshot && !window.matchMedia('print').matches && map.getCanvas().clientWidth > 200) latest.current.onSnapshot(map.getCanvas().toDataURL('image/png'));
      });
      map.on('click', (event) => {
        if (!map) return;
        if (latest.current.choropleth) {
          const [area] = map.getLayer('buurtscan-fill') ? map.queryRenderedFeatures(event.point, { layers: ['buurtscan-fill'] }) : [];
          if (area && typeof area.properties.code === 'string') latest.current.onAreaClick?.(area.properties.code);
          return;
        }
        if (latest.current.picking) return latest.current.onPick({ lat: event.lngLat.lat, lon: event.lngLat.lng });
        const [hit] = map.queryRenderedFeatures(event.point, { layers: CLICKABLE_LAYERS.filter((id) => map!.getLayer(id)) });
        if (hit && hit.layer.id === 'asset-clusters') {
          map.easeTo({ center: event.lngLat, zoom: map.getZoom() + 2 });
        } else if (hit && typeof hit.properties.id === 'string') {
          latest.current.onSelect(hit.properties.id);
        } else {
          latest.current.onPick({ lat: event.lngLat.lat, lon: event.lngLat.lng });
        }
      });
      map.on('mousemove', (event) => {
        if (!map) return;
        if (latest.current.picking) {
          map.getCanvas().style.cursor = 'crosshair';
          return;
        }
        const hits = map.queryRenderedFeatures(event.point, { layers: CLICKABLE_LAYERS.filter((id) => map!.getLayer(id)) });
        map.getCanvas().style.cursor = hits.length > 0 ? 'pointer' : '';
      });
      // The view and what it shows, on the first draw and after every move: the list follows.
      const reportView = () => {
        if (!map) return;
        const center = map.getCenter();
        const b = map.getBounds();
        const clamp = (value: number, limit: number) => Math.max(-limit, Math.min(limit, value));
        latest.current.onViewChange({ lon: center.lng, lat: center.lat, zoom: map.getZoom() }, [
          clamp(b.getWest(), 180), clamp(b.getSouth(), 85), clamp(b.getEast(), 180), clamp(b.getNorth(), 85),
        ]);
      };
      map.on('moveend', reportView);
      map.once('load', reportView);
    });
    return () => {
      cancelled = true;
      map?.remove();
      mapRef.current = null;
    };
    // The map is made once; later changes arrive through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // New tiles for new filters, after the same short pause as the list: not on every keystroke.
  const filterKey = JSON.stringify(props.filters);
  useEffect(() => {
    const timer = setTimeout(() => {
      mapRef.current?.getSource<VectorTileSource>(SOURCES.assets)?.setTiles([assetTileUrl(props.filters)]);
    }, 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filterKey]);

  useEffect(() => {
    mapRef.current?.getSource<GeoJSONSource>(SOURCES.near)?.setData(nearData(props.near));
  }, [props.near]);

  useEffect(() => {
    mapRef.current?.getSource<GeoJSONSource>(SOURCES.marker)?.setData(markerData(props.marker));
  }, [props.marker]);

  useEffect(() => {
    mapRef.current?.getSource<GeoJSONSource>(SOURCES.outline)?.setData(outlineData(props.outline));
  }, [props.outline]);

  useEffect(() => {
    const canvas = mapRef.current?.getCanvas();
    if (canvas) canvas.style.cursor = props.picking ? 'crosshair' : '';
  }, [props.picking]);

  useEffect(() => {
    const map = mapRef.current;
    if (map?.getLayer('asset-selected')) map.setFilter('asset-selected', ['==', ['get', 'id'], props.selected ?? '']);
  }, [props.selected]);

  useEffect(() => {
    const map = mapRef.current;
    if (map) applyChoropleth(map, props.choropleth);
  }, [props.choropleth]);

  useEffect(() => {
    const map = mapRef.current;
    if (map && props.fit) map.fitBounds(props.fit.bounds, { padding: 30 });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.fit?.key]);

  useEffect(() => {
    const map = mapRef.current;
    if (!props.focus || !map) return;
    // A view restored by Back jumps there; a chosen result or place is flown to.
    if (props.focus.zoom !== undefined) map.jumpTo({ center: [props.focus.lon, props.focus.lat], zoom: props.focus.zoom });
    else map.flyTo({ center: [props.focus.lon, props.focus.lat], zoom: Math.max(map.getZoom(), 15) });
  }, [props.focus]);

  return <div ref={container} className="map" role="region" aria-label={t.mapLabel} data-testid="map" />;
}
