import {
  type GeoJSONSource,
  Map as MapLibreMap,
  type MapMouseEvent,
  Marker,
  NavigationControl,
  setWorkerUrl,
} from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Topology } from 'topojson-specification';
import countries50mUrl from 'world-atlas/countries-50m.json?url';
import countries110mUrl from 'world-atlas/countries-110m.json?url';
import type { GeoPoint, Region } from '../../../../engine/types';
import { type Basemap, basemapFromTopology } from './basemap';
import { type CatchmentGrid, MERCATOR_MAX_LAT, mercatorY, paintCatchment } from './catchment';
import { type Box, type LabelRequest, MUST_SHOW_PRIORITY, placeLabels } from './label-placement';
import {
  catchmentLayer,
  LAYER,
  type MapPalette,
  type MapTheme,
  mapStyle,
  PALETTE_CSS_VARS,
  PALETTES,
  SOURCE,
  themedPaint,
} from './layers';
import { clientArc, clientPoint, type RecordMarker, regionDots } from './to-geojson';

/**
 * The one imperative wrapper around maplibre: it owns the Map, adds the sources once, and
 * updates them with setData; React hands it plain data. Everything it draws comes from the
 * pure functions in to-geojson.ts, catchment.ts and label-placement.ts.
 */

setWorkerUrl(workerUrl);

declare global {
  interface Window {
    /** The live map, for tests and debugging (project/unproject a point). */
    __atlasMap?: MapLibreMap;
  }
}

const CLIENT_LABEL_ID = '\u0000client';

/** Size of the catchment image (Mercator square), px: sharp at the zooms the atlas is used at. */
const CATCHMENT_IMAGE_PX = 2048;

const CATCHMENT_CORNERS: [[number, number], [number, number], [number, number], [number, number]] =
  [
    [-180, MERCATOR_MAX_LAT],
    [180, MERCATOR_MAX_LAT],
    [180, -MERCATOR_MAX_LAT],
    [-180, -MERCATOR_MAX_LAT],
  ];

/**
 * Basemap detail: 1:110M (39 KB gzip) draws the first screen fast; 1:50M (240 KB gzip) is
 * loaded when the operator zooms in far enough to see the difference.
 */
export type BasemapDetail = '110m' | '50m';
const BASEMAP_URL: Record<BasemapDetail, string> = {
  '110m': countries110mUrl,
  '50m': countries50mUrl,
};
/** Zoom from which the 1:50M basemap replaces the 1:110M one. */
const DETAIL_ZOOM = 2.5;

const basemapPromises = new Map<BasemapDetail, Promise<Basemap>>();

/** The basemap at a detail level, fetched and converted once per page (it never changes). */
export function loadBasemap(detail: BasemapDetail): Promise<Basemap> {
  let p = basemapPromises.get(detail);
  if (!p) {
    p = fetch(BASEMAP_URL[detail])
      .then((res) => {
        if (!res.ok) throw new Error(`basemap: HTTP ${res.status}`);
        return res.json() as Promise<Topology>;
      })
      .then(basemapFromTopology);
    p.catch(() => basemapPromises.delete(detail));
    basemapPromises.set(detail, p);
  }
  return p;
}

/** The palette for a theme, with any `--map-*` CSS variables the app's theme defines. */
export function resolvePalette(theme: MapTheme): MapPalette {
  const base = { ...PALETTES[theme] };
  if (typeof window === 'undefined') return base;
  const css = getComputedStyle(document.documentElement);
  for (const [key, name] of Object.entries(PALETTE_CSS_VARS)) {
    const v = css.getPropertyValue(name).trim();
    if (v) (base as Record<string, unknown>)[key] = v;
  }
  return base;
}

export interface AtlasMapViewOptions {
  container: HTMLElement;
  theme: MapTheme;
  onClick?: (p: GeoPoint) => void;
  onMarkerClick?: (m: RecordMarker) => void;
  /** Called once: style loaded, basemap drawn, first idle. */
  onReady?: () => void;
  onError?: (e: Error) => void;
}

/** A catchment to draw: the grid and its colours, or ready-made RGBA pixels of the grid's size. */
interface CatchmentPaint {
  grid: CatchmentGrid;
  colors: [number, number, number][];
  pixels: Uint8ClampedArray | undefined;
}

interface MarkerEntry {
  marker: Marker;
  el: HTMLButtonElement;
  label: HTMLSpanElement;
  data: RecordMarker;
  size: { width: number; height: number } | null;
}

export class AtlasMapView {
  readonly map: MapLibreMap;
  private readonly container: HTMLElement;
  private readonly markers = new Map<string, MarkerEntry>();
  private chosenRegion: string | null = null;
  private readonly onMarkerClick: ((m: RecordMarker) => void) | undefined;
  private readonly onClick: ((p: GeoPoint) => void) | undefined;
  private basemap: Basemap | null = null;
  private landMask: HTMLCanvasElement | null = null;
  private catchmentCanvas: HTMLCanvasElement | null = null;
  private pendingCatchment: CatchmentPaint | null = null;
  private clientLabel: Marker | null = null;
  private styleLoaded = false;
  private ready = false;
  private detail: BasemapDetail = '110m';
  private lastCatchment: CatchmentPaint | null = null;
  private destroyed = false;
  private placeScheduled = 0;

  constructor(opts: AtlasMapViewOptions) {
    this.container = opts.container;
    this.onClick = opts.onClick;
    this.onMarkerClick = opts.onMarkerClick;
    const palette = resolvePalette(opts.theme);
    this.map = new MapLibreMap({
      container: opts.container,
      style: mapStyle(palette),
      bounds: [
        [-150, -50],
        [165, 68],
      ],
      minZoom: 0.3,
      maxZoom: 8,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      // Lets tests and screenshots read the canvas after a frame.
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
      attributionControl: {
        compact: true,
        customAttribution: 'Basemap: Natural Earth (public domain) via world-atlas',
      },
      fadeDuration: 0,
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    window.__atlasMap = this.map;
    performance.mark('atlas:map-created');

    const basemap = loadBasemap('110m');
    this.map.on('load', () => {
      performance.mark('atlas:style-loaded');
      this.styleLoaded = true;
      basemap
        .then((b) => {
          if (this.destroyed) return;
          performance.mark('atlas:basemap-parsed');
          this.applyBasemap(b);
          this.map.once('idle', () => {
            if (this.destroyed) return;
            performance.mark('atlas:map-loaded');
            this.ready = true;
            this.container.dataset.mapLoaded = 'true';
            opts.onReady?.();
            // The catchment is painted after the first render, so the map shows up sooner.
            this.flushPendingCatchment();
            if (this.map.getZoom() >= DETAIL_ZOOM) this.upgradeBasemap();
          });
        })
        .catch((e: unknown) => {
          console.error('map: the basemap could not be drawn', e);
          opts.onError?.(e instanceof Error ? e : new Error(String(e)));
        });
    });
    this.map.on('click', (e: MapMouseEvent) => {
      const target = e.originalEvent.target;
      // A click on a marker bubbles here too; the marker handles it.
      if (target instanceof Element && target.closest('.atlas-marker')) return;
      const ll = e.lngLat.wrap();
      this.onClick?.({ lat: ll.lat, lon: ll.lng });
    });
    this.map.on('mousemove', LAYER.regions, (e) => {
      const f = e.features?.[0];
      const p = f?.properties as { code?: string; name?: string } | undefined;
      this.map.getCanvas().title = p?.code ? `${p.code} — ${p.name ?? ''}` : '';
    });
    this.map.on('mouseleave', LAYER.regions, () => {
      this.map.getCanvas().title = '';
    });
    this.map.on('moveend', () => this.scheduleLabelPlacement());
    this.map.on('zoomend', () => {
      if (this.ready && this.detail === '110m' && this.map.getZoom() >= DETAIL_ZOOM)
        this.upgradeBasemap();
    });
    this.map.on('resize', () => this.scheduleLabelPlacement());
    // Render-time errors (none expected: every source is local) are logged, not fatal.
    this.map.on('error', (e) => console.error('map:', e.error.message));
  }

  private geojson(id: string): GeoJSONSource | undefined {
    return this.map.getSource<GeoJSONSource>(id);
  }

  private whenStyle(fn: () => void): void {
    if (this.styleLoaded) fn();
    else this.map.once('load', fn);
  }

  private applyBasemap(b: Basemap): void {
    this.basemap = b;
    this.landMask = null;
    this.geojson(SOURCE.countries)?.setData(b.countries);
    this.geojson(SOURCE.lines)?.setData(b.lines);
  }

  /** Swap in the 1:50M basemap (and repaint the catchment over its coastlines). */
  private upgradeBasemap(): void {
    this.detail = '50m';
    loadBasemap('50m')
      .then((b) => {
        if (this.destroyed) return;
        this.applyBasemap(b);
        this.container.dataset.basemapDetail = '50m';
        if (this.lastCatchment) {
          const { grid, colors, pixels } = this.lastCatchment;
          this.setCatchment(grid, colors, pixels);
        }
      })
      .catch((e: unknown) => {
        // The 1:110M map stays; try again on the next zoom.
        this.detail = '110m';
        console.error('map: the detailed basemap could not be loaded', e);
      });
  }

  /** After the first full render: paint a catchment that arrived before the basemap. */
  private flushPendingCatchment(): void {
    if (!this.pendingCatchment) return;
    const { grid, colors, pixels } = this.pendingCatchment;
    this.pendingCatchment = null;
    this.setCatchment(grid, colors, pixels);
  }

  setTheme(theme: MapTheme): void {
    const paint = themedPaint(resolvePalette(theme));
    this.whenStyle(() => {
      for (const [layer, props] of Object.entries(paint)) {
        if (!this.map.getLayer(layer)) continue;
        for (const [prop, value] of Object.entries(props)) setPaint(this.map, layer, prop, value);
      }
    });
  }

  setRegions(regions: readonly Region[], activeCodes: readonly string[]): void {
    const data = regionDots(regions, activeCodes);
    this.whenStyle(() => this.geojson(SOURCE.regions)?.setData(data));
  }

  /** Labelled, focusable markers for the records of the selected name. */
  setMarkers(list: readonly RecordMarker[], chosenRegion: string | null): void {
    this.chosenRegion = chosenRegion;
    const keep = new Set(list.map((m) => m.key));
    for (const [key, entry] of this.markers) {
      if (!keep.has(key)) {
        entry.marker.remove();
        this.markers.delete(key);
      }
    }
    for (const data of list) {
      let entry = this.markers.get(data.key);
      if (!entry) {
        const el = document.createElement('button');
        el.type = 'button';
        el.className = 'atlas-marker';
        const dot = document.createElement('span');
        dot.className = 'atlas-marker-dot';
        dot.setAttribute('aria-hidden', 'true');
        const label = document.createElement('span');
        label.className = 'atlas-marker-label';
        label.setAttribute('aria-hidden', 'true');
        el.append(dot, label);
        const created: MarkerEntry = {
          marker: new Marker({ element: el, anchor: 'center' }),
          el,
          label,
          data,
          size: null,
        };
        el.addEventListener('click', (ev) => {
          ev.stopPropagation();
          this.onMarkerClick?.(created.data);
        });
        created.marker.setLngLat([data.lon, data.lat]).addTo(this.map);
        this.markers.set(data.key, created);
        entry = created;
      }
      entry.data = data;
      fillMarker(entry, data, data.region === chosenRegion);
      entry.marker.setLngLat([data.lon, data.lat]);
    }
    this.scheduleLabelPlacement();
  }

  /** Place labels again (something drawn over the map changed size). */
  refreshLabels(): void {
    this.scheduleLabelPlacement();
  }

  private scheduleLabelPlacement(): void {
    if (this.placeScheduled || this.destroyed) return;
    this.placeScheduled = requestAnimationFrame(() => {
      this.placeScheduled = 0;
      this.placeLabels();
    });
  }

  /** Re-run label placement for the current view (labels never cover each other). */
  private placeLabels(): void {
    const requests: LabelRequest[] = [];
    const canvas = this.map.getCanvas();
    for (const [key, e] of this.markers) {
      e.size ??= measureLabel(e.label);
      const p = this.map.project([e.data.lon, e.data.lat]);
      requests.push({
        id: key,
        x: p.x,
        y: p.y,
        width: e.size.width,
        height: e.size.height,
        priority: e.data.region === this.chosenRegion ? MUST_SHOW_PRIORITY : e.data.healthy ? 1 : 0,
      });
    }
    const client = this.clientLabel;
    if (client) {
      const label = client.getElement().firstElementChild as HTMLElement | null;
      const p = this.map.project(client.getLngLat());
      requests.push({
        id: CLIENT_LABEL_ID,
        x: p.x,
        y: p.y,
        width: label?.offsetWidth || 80,
        height: label?.offsetHeight || 20,
        priority: MUST_SHOW_PRIORITY + 1,
      });
    }
    const sides = placeLabels(
      requests,
      { width: canvas.clientWidth, height: canvas.clientHeight },
      7,
      this.obstacles(),
    );
    for (const [key, e] of this.markers) {
      const side = sides[key] ?? null;
      e.el.dataset.side = side ?? 'none';
      e.el.classList.toggle('is-collapsed', side === null);
    }
    if (client) client.getElement().dataset.side = sides[CLIENT_LABEL_ID] ?? 'top';
  }

  /**
   * Screen boxes (px, relative to the map) that labels must not cover: anything drawn over the
   * map marked `data-map-obstacle` (the legend) or a map control.
   */
  private obstacles(): Box[] {
    const origin = this.container.getBoundingClientRect();
    const root = this.container.parentElement ?? this.container;
    const els = [
      ...root.querySelectorAll<HTMLElement>('[data-map-obstacle], .maplibregl-ctrl-group'),
    ];
    return els.map((el) => {
      const r = el.getBoundingClientRect();
      const pad = 4;
      return {
        x0: r.left - origin.left - pad,
        y0: r.top - origin.top - pad,
        x1: r.right - origin.left + pad,
        y1: r.bottom - origin.top + pad,
      };
    });
  }

  /** The client point, its label, and the great-circle arc to the chosen region. */
  setClient(
    client: (GeoPoint & { label: string }) | null | undefined,
    chosen: Region | null | undefined,
  ): void {
    const point = clientPoint(client);
    const arc = clientArc(client, chosen);
    this.whenStyle(() => {
      this.geojson(SOURCE.client)?.setData(point);
      this.geojson(SOURCE.arc)?.setData(arc);
    });
    if (!client) {
      this.clientLabel?.remove();
      this.clientLabel = null;
      this.scheduleLabelPlacement();
      return;
    }
    if (!this.clientLabel) {
      // A zero-size anchor at the point; the label sits on the side placement picks.
      const el = document.createElement('div');
      el.className = 'atlas-client';
      el.dataset.side = 'top';
      const text = document.createElement('span');
      text.className = 'atlas-client-label';
      el.append(text);
      this.clientLabel = new Marker({ element: el, anchor: 'center' });
      this.clientLabel.setLngLat([client.lon, client.lat]).addTo(this.map);
    }
    const text = this.clientLabel.getElement().firstElementChild;
    if (text) text.textContent = client.label;
    this.clientLabel.setLngLat([client.lon, client.lat]);
    this.scheduleLabelPlacement();
  }

  /**
   * Paint the catchment grid over land only: the grid is drawn into a Mercator-square canvas
   * and kept where the land mask (countries rasterised at the same size) is opaque. `pixels`
   * (RGBA, grid size) replaces the plain colouring, e.g. a before/after comparison.
   */
  setCatchment(
    grid: CatchmentGrid | null,
    colors: [number, number, number][],
    pixels?: Uint8ClampedArray,
  ): void {
    this.lastCatchment = grid ? { grid, colors, pixels } : null;
    if (!grid) {
      this.pendingCatchment = null;
      this.whenStyle(() => this.removeCatchment());
      this.container.dataset.catchmentReady = 'false';
      return;
    }
    if (!this.ready || !this.basemap) {
      this.pendingCatchment = { grid, colors, pixels };
      return;
    }
    const landMask = this.landCanvas();
    this.whenStyle(() => {
      const cells = document.createElement('canvas');
      cells.width = grid.width;
      cells.height = grid.height;
      const cctx = cells.getContext('2d');
      if (!cctx) return;
      const img = cctx.createImageData(grid.width, grid.height);
      if (pixels && pixels.length === img.data.length) img.data.set(pixels);
      else paintCatchment(grid, colors, 255, img.data);
      cctx.putImageData(img, 0, 0);

      const out = document.createElement('canvas');
      out.width = CATCHMENT_IMAGE_PX;
      out.height = CATCHMENT_IMAGE_PX;
      const ctx = out.getContext('2d');
      if (!ctx) return;
      ctx.drawImage(landMask, 0, 0);
      ctx.globalCompositeOperation = 'source-in';
      // Cells stay crisp squares; the land mask gives smooth coasts.
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(cells, 0, 0, CATCHMENT_IMAGE_PX, CATCHMENT_IMAGE_PX);
      ctx.globalCompositeOperation = 'source-over';

      // A static canvas source copies pixels once: replace the source to show new pixels.
      this.removeCatchment();
      this.catchmentCanvas = out;
      this.map.addSource(SOURCE.catchment, {
        type: 'canvas',
        canvas: out,
        coordinates: CATCHMENT_CORNERS,
        animate: false,
      });
      this.map.addLayer(catchmentLayer, LAYER.borders);
      const paint = themedPaint(resolvePalette(currentTheme(this.container)))[LAYER.catchment];
      for (const [prop, value] of Object.entries(paint ?? {})) {
        setPaint(this.map, LAYER.catchment, prop, value);
      }
      performance.mark('atlas:catchment-painted');
      this.map.once('idle', () => {
        if (this.catchmentCanvas === out) this.container.dataset.catchmentReady = 'true';
      });
    });
  }

  private removeCatchment(): void {
    if (this.map.getLayer(LAYER.catchment)) this.map.removeLayer(LAYER.catchment);
    if (this.map.getSource(SOURCE.catchment)) this.map.removeSource(SOURCE.catchment);
    this.catchmentCanvas = null;
  }

  /** Countries rasterised once at the catchment image size (the land mask). */
  private landCanvas(): HTMLCanvasElement {
    if (!this.landMask && this.basemap) {
      this.landMask = rasteriseLand(this.basemap, CATCHMENT_IMAGE_PX);
    }
    return this.landMask ?? document.createElement('canvas');
  }

  /** A 0/1 land mask of the given grid size (for land-area shares). Null before the basemap. */
  landMaskFor(width: number, height: number): Uint8Array | null {
    if (!this.basemap) return null;
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    const ctx = c.getContext('2d', { willReadFrequently: true });
    if (!ctx) return null;
    ctx.drawImage(this.landCanvas(), 0, 0, width, height);
    const px = ctx.getImageData(0, 0, width, height).data;
    const mask = new Uint8Array(width * height);
    for (let i = 0; i < mask.length; i++) mask[i] = (px[i * 4 + 3] ?? 0) > 127 ? 1 : 0;
    return mask;
  }

  destroy(): void {
    this.destroyed = true;
    if (this.placeScheduled) cancelAnimationFrame(this.placeScheduled);
    for (const e of this.markers.values()) e.marker.remove();
    this.markers.clear();
    this.clientLabel?.remove();
    if (window.__atlasMap === this.map) window.__atlasMap = undefined;
    this.map.remove();
  }
}

/** Paint properties come from layers.ts as plain data; maplibre types each name separately. */
function setPaint(map: MapLibreMap, layer: string, prop: string, value: unknown): void {
  (map.setPaintProperty as (l: string, p: string, v: unknown) => void).call(
    map,
    layer,
    prop,
    value,
  );
}

function currentTheme(el: HTMLElement): MapTheme {
  return el.closest('[data-map-theme="dark"]') ? 'dark' : 'light';
}

function fillMarker(entry: MarkerEntry, data: RecordMarker, chosen: boolean): void {
  const { el, label } = entry;
  el.setAttribute('aria-label', data.ariaLabel);
  const down = data.simulated ? ' — fails in the what-if' : ' — unhealthy';
  el.title = `${data.region} (${data.regionName}) — ${data.setIdentifier}: ${data.values.join(', ')}${
    data.healthy ? '' : down
  }`;
  el.style.setProperty('--region-color', data.color);
  el.classList.toggle('is-unhealthy', !data.healthy);
  el.classList.toggle('is-simulated', !data.healthy && data.simulated === true);
  el.classList.toggle('is-chosen', chosen);
  el.dataset.region = data.region;
  const region = document.createElement('span');
  region.className = 'atlas-marker-region';
  region.textContent = data.region;
  const setId = document.createElement('strong');
  setId.className = 'atlas-marker-set';
  setId.textContent = data.setIdentifier;
  const value = document.createElement('span');
  value.className = 'atlas-marker-value';
  const [first = '', ...more] = data.values;
  value.textContent = more.length > 0 ? `${first} +${more.length}` : first;
  const parts: HTMLElement[] = [region, setId, value];
  if (!data.healthy) {
    const bad = document.createElement('span');
    bad.className = 'atlas-marker-health';
    bad.textContent = data.simulated ? 'what if: down' : 'unhealthy';
    parts.push(bad);
  }
  label.replaceChildren(...parts);
  entry.size = null;
}

function measureLabel(label: HTMLElement): { width: number; height: number } {
  const w = label.offsetWidth;
  const h = label.offsetHeight;
  return { width: w || 120, height: h || 34 };
}

/** Countries filled opaque on a transparent Mercator-square canvas (width × height px). */
function rasteriseLand(b: Basemap, width: number, height = width): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const ctx = c.getContext('2d');
  if (!ctx) return c;
  ctx.fillStyle = '#000';
  ctx.beginPath();
  for (const f of b.countries.features) {
    for (const polygon of f.geometry.coordinates) {
      for (const ring of polygon) {
        ring.forEach((p, i) => {
          const x = (((p[0] ?? 0) + 180) / 360) * width;
          const y = mercatorY(p[1] ?? 0) * height;
          if (i === 0) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        });
        ctx.closePath();
      }
    }
  }
  ctx.fill('evenodd');
  return c;
}
