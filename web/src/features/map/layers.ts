import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { CLUSTER_MAX_ZOOM, TILE_LAYERS } from '@kwartier/shared';
import { kindIconId } from './icons.ts';
import { NO_VALUE_COLOUR } from '../buurtscan/classes.ts';

/** Kwartier's own sources and layers, as typed constants; added on top of any basemap. */
export const SOURCES = { assets: 'kwartier-assets', areas: 'kwartier-areas', gemeenten: 'kwartier-gemeenten', near: 'kwartier-near', marker: 'kwartier-marker', outline: 'kwartier-outline' } as const;
/** Data attribution; the word before the colon comes from the i18n catalogue. */
export const cbsAttribution = (areas: string) => `${areas}: © <a href="https://www.cbs.nl/">CBS</a>, Kadaster (CC BY 4.0)`;

export const AREA_MIN_ZOOM = 10;
/** Purple: apart from the buurtscan's blues, the chosen buurt's orange and the asset colours. */
export const OUTLINE_COLOUR = '#6a1b9a';
/** Below the buurten, the gemeenten: where the data is, and what those places are called. */
export const GEMEENTE_MIN_ZOOM = 5;

export const OUR_LAYERS: LayerSpecification[] = [
  {
    id: 'gemeente-fill',
    type: 'fill',
    source: SOURCES.gemeenten,
    'source-layer': TILE_LAYERS.areas,
    maxzoom: AREA_MIN_ZOOM + 0.5,
    paint: { 'fill-color': '#e8efe3', 'fill-opacity': 0.6 },
  },
  {
    id: 'gemeente-line',
    type: 'line',
    source: SOURCES.gemeenten,
    'source-layer': TILE_LAYERS.areas,
    paint: { 'line-color': '#5f6f56', 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 1, 12, 2.5] },
  },
  {
    id: 'buurt-fill',
    type: 'fill',
    source: SOURCES.areas,
    'source-layer': TILE_LAYERS.areas,
    paint: { 'fill-color': '#e8efe3', 'fill-opacity': 0.55 },
  },
  {
    id: 'buurt-line',
    type: 'line',
    source: SOURCES.areas,
    'source-layer': TILE_LAYERS.areas,
    paint: { 'line-color': '#7a8a70', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 15, 1.5] },
  },
  // The buurtscan's choropleth: the buurten of one gemeente, coloured by class (set by MapView).
  {
    id: 'buurtscan-fill',
    type: 'fill',
    source: SOURCES.areas,
    'source-layer': TILE_LAYERS.areas,
    filter: ['in', ['get', 'code'], ['literal', []]],
    paint: { 'fill-color': NO_VALUE_COLOUR, 'fill-opacity': 0.85 },
  },
  {
    id: 'buurtscan-line',
    type: 'line',
    source: SOURCES.areas,
    'source-layer': TILE_LAYERS.areas,
    filter: ['in', ['get', 'code'], ['literal', []]],
    paint: { 'line-color': '#4a4a4a', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.6, 15, 1.5] },
  },
  {
    id: 'buurtscan-selected',
    type: 'line',
    source: SOURCES.areas,
    'source-layer': TILE_LAYERS.areas,
    filter: ['==', ['get', 'code'], ''],
    paint: { 'line-color': '#c45100', 'line-width': 4 },
  },
  // The area a page is about (the wijk of the wijkanalyse): a light wash and a firm outline.
  {
    id: 'area-outline-fill',
    type: 'fill',
    source: SOURCES.outline,
    paint: { 'fill-color': OUTLINE_COLOUR, 'fill-opacity': 0.08 },
  },
  {
    id: 'area-outline-line',
    type: 'line',
    source: SOURCES.outline,
    layout: { 'line-join': 'round' },
    paint: { 'line-color': OUTLINE_COLOUR, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 2.5, 15, 4] },
  },
  {
    id: 'near-circle',
    type: 'fill',
    source: SOURCES.near,
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'fill-color': '#1f3a5f', 'fill-opacity': 0.12 },
  },
  {
    id: 'near-outline',
    type: 'line',
    source: SOURCES.near,
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'line-color': '#1f3a5f', 'line-width': 2, 'line-dasharray': [3, 2] },
  },
  {
    id: 'buurt-label',
    type: 'symbol',
    source: SOURCES.areas,
    'source-layer': TILE_LAYERS.areaLabels,
    minzoom: 13,
    layout: { 'icon-image': ['concat', 'label-', ['get', 'name']], 'icon-allow-overlap': false },
  },
  {
    id: 'gemeente-label',
    type: 'symbol',
    source: SOURCES.gemeenten,
    'source-layer': TILE_LAYERS.areaLabels,
    maxzoom: 11.5,
    layout: { 'icon-image': ['concat', 'label-', ['get', 'name']], 'icon-allow-overlap': true, 'icon-ignore-placement': true, 'icon-anchor': 'top', 'icon-offset': [0, 16] },
  },
  {
    id: 'asset-clusters',
    type: 'symbol',
    source: SOURCES.assets,
    'source-layer': TILE_LAYERS.clusters,
    filter: ['>', ['get', 'count'], 1],
    layout: { 'icon-image': ['concat', 'cluster-', ['to-string', ['get', 'count']]], 'icon-allow-overlap': true },
  },
  {
    id: 'asset-single-clusters',
    type: 'symbol',
    source: SOURCES.assets,
    'source-layer': TILE_LAYERS.clusters,
    filter: ['==', ['get', 'count'], 1],
    layout: { 'icon-image': ['concat', 'kind-', ['get', 'kind']], 'icon-allow-overlap': true },
  },
  {
    id: 'asset-symbols',
    type: 'symbol',
    source: SOURCES.assets,
    'source-layer': TILE_LAYERS.assets,
    minzoom: CLUSTER_MAX_ZOOM + 1,
    layout: { 'icon-image': ['concat', 'kind-', ['get', 'kind']], 'icon-allow-overlap': true },
  },
  {
    id: 'asset-selected',
    type: 'circle',
    source: SOURCES.assets,
    'source-layer': TILE_LAYERS.assets,
    filter: ['==', ['get', 'id'], ''],
    paint: { 'circle-radius': 17, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-width': 3, 'circle-stroke-color': '#1a1a1a' },
  },
  {
    id: 'near-point',
    type: 'circle',
    source: SOURCES.near,
    filter: ['==', ['geometry-type'], 'Point'],
    paint: { 'circle-radius': 7, 'circle-color': '#ffffff', 'circle-stroke-width': 3, 'circle-stroke-color': '#1f3a5f' },
  },
  // The place being chosen for a new entry, or the exact place of an entry under review.
  {
    id: 'marker-halo',
    type: 'circle',
    source: SOURCES.marker,
    paint: { 'circle-radius': 16, 'circle-color': '#c45100', 'circle-opacity': 0.25 },
  },
  {
    id: 'marker-point',
    type: 'circle',
    source: SOURCES.marker,
    paint: { 'circle-radius': 8, 'circle-color': '#c45100', 'circle-stroke-width': 3, 'circle-stroke-color': '#ffffff' },
  },
];

export const CLICKABLE_LAYERS = ['asset-symbols', 'asset-single-clusters', 'asset-clusters'];
/** Hidden under the choropleth: symbols would hide the colours they sit on. */
export const ASSET_LAYERS = ['asset-clusters', 'asset-single-clusters', 'asset-symbols', 'asset-selected'];

/**
 * The built-in style: land, and our layers on top. Used when no basemap is configured or the
 * configured one cannot be reached, so that the map never stays blank.
 */
export const OFFLINE_STYLE: StyleSpecification = {
  version: 8,
  name: 'Kwartier offline',
  sources: {},
  layers: [{ id: 'land', type: 'background', paint: { 'background-color': '#f4f1ea' } }],
};

export { kindIconId };
