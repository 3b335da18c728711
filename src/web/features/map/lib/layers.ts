import type { LayerSpecification, RasterLayerSpecification, StyleSpecification } from 'maplibre-gl';

/**
 * The map's style as data: sources, layers and the two palettes. No glyphs or sprites (they
 * would be fetched from the internet): text is drawn as HTML markers instead.
 */

export type MapTheme = 'light' | 'dark';

export interface MapPalette {
  ocean: string;
  land: string;
  border: string;
  coast: string;
  regionDot: string;
  regionDotStroke: string;
  arc: string;
  arcCasing: string;
  client: string;
  clientStroke: string;
  /** Opacity of the catchment colours over land, 0–1. */
  catchmentOpacity: number;
}

export const PALETTES: Readonly<Record<MapTheme, MapPalette>> = {
  light: {
    ocean: '#d6e4ef',
    land: '#f3f0e8',
    border: '#a89f92',
    coast: '#6f8396',
    regionDot: '#5b6673',
    regionDotStroke: '#ffffff',
    arc: '#1b1f24',
    arcCasing: '#ffffff',
    client: '#1b1f24',
    clientStroke: '#ffffff',
    catchmentOpacity: 0.72,
  },
  dark: {
    ocean: '#0c141d',
    land: '#232b34',
    border: '#0c141d',
    coast: '#5d6f82',
    regionDot: '#9aa6b2',
    regionDotStroke: '#0c141d',
    arc: '#f5f7fa',
    arcCasing: '#0c141d',
    client: '#f5f7fa',
    clientStroke: '#0c141d',
    catchmentOpacity: 0.68,
  },
};

/** CSS custom properties on <html> that may override a palette entry (set by the app's theme). */
export const PALETTE_CSS_VARS: Readonly<Partial<Record<keyof MapPalette, string>>> = {
  ocean: '--map-ocean',
  land: '--map-land',
  border: '--map-border',
  coast: '--map-coast',
};

export const SOURCE = {
  countries: 'countries',
  lines: 'lines',
  regions: 'regions',
  arc: 'client-arc',
  client: 'client-point',
  catchment: 'catchment',
} as const;

export const LAYER = {
  background: 'background',
  land: 'land',
  catchment: 'catchment',
  borders: 'borders',
  coastlines: 'coastlines',
  regions: 'regions-faint',
  arcCasing: 'client-arc-casing',
  arc: 'client-arc',
  client: 'client-point',
} as const;

/** Paint properties that depend on the theme, per layer: applied at start and on theme change. */
export function themedPaint(p: MapPalette): Record<string, Record<string, unknown>> {
  return {
    [LAYER.background]: { 'background-color': p.ocean },
    [LAYER.land]: { 'fill-color': p.land },
    [LAYER.catchment]: { 'raster-opacity': p.catchmentOpacity },
    [LAYER.borders]: { 'line-color': p.border },
    [LAYER.coastlines]: { 'line-color': p.coast },
    [LAYER.regions]: { 'circle-color': p.regionDot, 'circle-stroke-color': p.regionDotStroke },
    [LAYER.arcCasing]: { 'line-color': p.arcCasing },
    [LAYER.arc]: { 'line-color': p.arc },
    [LAYER.client]: { 'circle-color': p.client, 'circle-stroke-color': p.clientStroke },
  };
}

const emptyCollection = { type: 'FeatureCollection' as const, features: [] };

/** The catchment raster layer; its canvas source is added at run time (it needs the element). */
export const catchmentLayer: RasterLayerSpecification = {
  id: LAYER.catchment,
  type: 'raster',
  source: SOURCE.catchment,
  paint: { 'raster-resampling': 'linear', 'raster-fade-duration': 0 },
};

/** Every vector layer, bottom to top; the catchment raster goes in before `borders`. */
export function baseLayers(p: MapPalette): LayerSpecification[] {
  const paint = themedPaint(p);
  return [
    { id: LAYER.background, type: 'background', paint: { ...paint[LAYER.background] } },
    {
      id: LAYER.land,
      type: 'fill',
      source: SOURCE.countries,
      paint: { 'fill-antialias': false, ...paint[LAYER.land] },
    },
    {
      id: LAYER.borders,
      type: 'line',
      source: SOURCE.lines,
      filter: ['==', ['get', 'kind'], 'border'],
      paint: {
        'line-width': ['interpolate', ['linear'], ['zoom'], 0, 0.4, 5, 1.2],
        'line-opacity': 0.9,
        ...paint[LAYER.borders],
      },
    },
    {
      id: LAYER.coastlines,
      type: 'line',
      source: SOURCE.lines,
      filter: ['==', ['get', 'kind'], 'coast'],
      paint: {
        'line-width': ['interpolate', ['linear'], ['zoom'], 0, 0.5, 5, 1.4],
        ...paint[LAYER.coastlines],
      },
    },
    {
      id: LAYER.regions,
      type: 'circle',
      source: SOURCE.regions,
      // Regions holding a record of the selected name are HTML markers instead.
      filter: ['!', ['get', 'active']],
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 0, 2.5, 5, 4.5],
        'circle-stroke-width': 1,
        'circle-opacity': 0.75,
        ...paint[LAYER.regions],
      },
    },
    {
      id: LAYER.arcCasing,
      type: 'line',
      source: SOURCE.arc,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-width': 5, 'line-opacity': 0.8, ...paint[LAYER.arcCasing] },
    },
    {
      id: LAYER.arc,
      type: 'line',
      source: SOURCE.arc,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-width': 2.2, 'line-dasharray': [2, 1.2], ...paint[LAYER.arc] },
    },
    {
      id: LAYER.client,
      type: 'circle',
      source: SOURCE.client,
      paint: { 'circle-radius': 6, 'circle-stroke-width': 2.5, ...paint[LAYER.client] },
    },
  ] as LayerSpecification[];
}

/** A complete, offline style: GeoJSON sources start empty and are filled with setData. */
export function mapStyle(p: MapPalette): StyleSpecification {
  return {
    version: 8,
    name: 'latency-atlas offline',
    sources: {
      // Basemap sources: no tiles past the map's max zoom, a little more simplification.
      [SOURCE.countries]: { type: 'geojson', data: emptyCollection, maxzoom: 8, tolerance: 0.5 },
      [SOURCE.lines]: { type: 'geojson', data: emptyCollection, maxzoom: 8, tolerance: 0.5 },
      [SOURCE.regions]: { type: 'geojson', data: emptyCollection },
      [SOURCE.arc]: { type: 'geojson', data: emptyCollection },
      [SOURCE.client]: { type: 'geojson', data: emptyCollection },
    },
    layers: baseLayers(p),
  };
}
