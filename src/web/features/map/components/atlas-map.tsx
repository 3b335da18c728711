import 'maplibre-gl/dist/maplibre-gl.css';
import './atlas-map.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LatencyModel, Region, ResourceRecordSet } from '../../../../engine/types';
import { usePopulationGrid } from '../api/get-population-grid';
import { useMapTheme } from '../hooks/use-map-theme';
import { AtlasMapView } from '../lib/atlas-map-view';
import {
  buildCatchment,
  CATCHMENT_GRID_SIZE,
  type CatchmentModel,
  legendEntries,
} from '../lib/catchment-model';
import {
  changedCells,
  changedPeopleShare,
  changedShare,
  DEFAULT_COMPARISON_STYLE,
  paintComparison,
} from '../lib/compare-catchment';
import { recordMarkers } from '../lib/to-geojson';
import { CatchmentLegend } from './catchment-legend';

export interface AtlasMapProps {
  regions: Region[];
  /** Latency sets of the selected name and type. */
  records: ResourceRecordSet[];
  /** Health by SetIdentifier (false = unhealthy); missing = healthy. */
  health?: Record<string, boolean>;
  client?: { lat: number; lon: number; label: string } | null;
  chosenRegion?: string | null;
  catchment: boolean;
  /**
   * Compare mode (reviews): the records before a change. The catchment then shows `records`
   * with every place whose region changes hatched and outlined, and the rest faded.
   */
  baselineRecords?: ResourceRecordSet[] | null;
  /** Health of the baseline records (by SetIdentifier), e.g. the real status beside a what-if. */
  baselineHealth?: Record<string, boolean>;
  /** Set ids that are down only in a what-if: their markers say so. */
  simulated?: readonly string[];
  /**
   * The zone's latency model for the catchment (the measured model built from a snapshot);
   * default distance. A new object redraws the catchment.
   */
  latencyModel?: LatencyModel | null;
  /**
   * The model of the baseline side in compare mode (e.g. the measured model a week earlier with
   * the same records); default `latencyModel`.
   */
  baselineModel?: LatencyModel | null;
  onMapClick?: (p: { lat: number; lon: number }) => void;
  onRecordClick?: (r: ResourceRecordSet) => void;
}

/** Content key of a record layout, so a new array with the same records does not redo work. */
function layoutKey(records: readonly ResourceRecordSet[], health?: Record<string, boolean>) {
  const recs = records
    .map((r) =>
      [
        r.Name,
        r.Type,
        r.SetIdentifier ?? '',
        r.Region ?? '',
        r.HealthCheckId ?? '',
        (r.ResourceRecords ?? []).map((v) => v.Value).join(','),
        r.AliasTarget?.DNSName ?? '',
      ].join('|'),
    )
    .join('\n');
  return `${recs}\n#${JSON.stringify(health ?? {})}`;
}

/**
 * The world map: regions, the selected name's records as labelled markers, the catchment
 * (where each place is routed), and the previewed client with its arc. Loaded lazily.
 */
export default function AtlasMap(props: AtlasMapProps) {
  const { regions, records, health, client, chosenRegion, catchment, baselineRecords } = props;
  const { baselineHealth, simulated, latencyModel } = props;
  const baselineModel = props.baselineModel === undefined ? latencyModel : props.baselineModel;
  const containerRef = useRef<HTMLElement>(null);
  const [view, setView] = useState<AtlasMapView | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [landMask, setLandMask] = useState<Uint8Array | null>(null);
  const theme = useMapTheme();
  const population = usePopulationGrid(catchment);
  const people =
    population.data && population.data.size === CATCHMENT_GRID_SIZE ? population.data.people : null;
  const themeRef = useRef(theme);
  themeRef.current = theme;

  // Handlers change every render; the map keeps calling the latest ones.
  const handlers = useRef(props);
  handlers.current = props;

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let v: AtlasMapView;
    try {
      v = new AtlasMapView({
        container,
        theme: themeRef.current,
        onClick: (p) => handlers.current.onMapClick?.(p),
        onMarkerClick: (m) => handlers.current.onRecordClick?.(m.record),
        onReady: () => {
          setReady(true);
          setLandMask(v.landMaskFor(CATCHMENT_GRID_SIZE, CATCHMENT_GRID_SIZE));
        },
        onError: (e) => setError(e.message),
      });
    } catch (e) {
      // No WebGL (old GPU, disabled acceleration): say so instead of a blank box.
      console.error('map: could not start', e);
      setError(e instanceof Error ? e.message : String(e));
      return;
    }
    setView(v);
    return () => {
      v.destroy();
      setView(null);
      setReady(false);
      delete container.dataset.mapLoaded;
    };
  }, []);

  useEffect(() => view?.setTheme(theme), [view, theme]);

  const key = layoutKey(records, health);
  const simulatedKey = simulated?.join('\n') ?? '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: the keys stand for records, health, simulated
  const markers = useMemo(() => {
    const list = recordMarkers(records, regions, health);
    if (!simulated?.length) return list;
    return list.map((m) => (simulated.includes(m.setIdentifier) ? { ...m, simulated: true } : m));
  }, [key, regions, simulatedKey]);
  useEffect(() => {
    if (!view) return;
    view.setMarkers(markers, chosenRegion ?? null);
    view.setRegions(
      regions,
      markers.map((m) => m.region),
    );
  }, [view, markers, regions, chosenRegion]);

  const chosen = useMemo(
    () => (chosenRegion ? (regions.find((r) => r.code === chosenRegion) ?? null) : null),
    [regions, chosenRegion],
  );
  const clientLat = client?.lat;
  const clientLon = client?.lon;
  const clientLabel = client?.label;
  useEffect(() => {
    if (!view) return;
    const c =
      clientLat !== undefined && clientLon !== undefined
        ? { lat: clientLat, lon: clientLon, label: clientLabel ?? '' }
        : null;
    view.setClient(c, c ? chosen : null);
  }, [view, clientLat, clientLon, clientLabel, chosen]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for records + health
  const model = useMemo(
    () => (catchment ? buildCatchment(records, health, CATCHMENT_GRID_SIZE, latencyModel) : null),
    [key, catchment, latencyModel],
  );
  const baseKey = baselineRecords ? layoutKey(baselineRecords, baselineHealth) : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `baseKey` stands for baselineRecords + baselineHealth
  const comparison = useMemo(
    () =>
      catchment && baselineRecords
        ? compareWith(model, baselineRecords, theme, baselineHealth, baselineModel)
        : null,
    [model, baseKey, catchment, theme, baselineModel],
  );
  useEffect(() => {
    if (comparison) view?.setCatchment(comparison.grid, comparison.colors, comparison.pixels);
    else view?.setCatchment(model?.grid ?? null, model?.colors ?? []);
  }, [view, model, comparison]);
  const changed = useMemo(
    () =>
      comparison
        ? changedShare(comparison.changed, comparison.grid.width, comparison.grid.height, landMask)
        : null,
    [comparison, landMask],
  );
  const changedPeople = useMemo(
    () =>
      comparison && people
        ? changedPeopleShare(
            comparison.changed,
            comparison.grid.width,
            comparison.grid.height,
            people,
          )
        : null,
    [comparison, people],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for health
  const legend = useMemo(
    () => (model ? legendEntries(model, landMask, health, people) : []),
    [model, landMask, key, people],
  );

  const refreshLabels = useCallback(() => view?.refreshLabels(), [view]);
  // The legend comes and goes with the catchment switch.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-place when the overlay changes
  useEffect(() => view?.refreshLabels(), [view, catchment]);

  return (
    <div
      className="atlas-map"
      data-map-theme={theme}
      data-compare={comparison ? 'true' : undefined}
      data-changed-share={changed !== null ? changed.toFixed(4) : undefined}
      data-changed-people={changedPeople !== null ? changedPeople.toFixed(4) : undefined}
      data-latency-model={latencyModel ? latencyModel.id : 'distance'}
    >
      <section
        ref={containerRef}
        className="atlas-map-canvas"
        data-testid="atlas-map"
        aria-label="World map of latency records"
      />
      {!ready && !error && (
        <div className="atlas-map-status" role="status">
          Loading map…
        </div>
      )}
      {error && (
        <div className="atlas-map-status atlas-map-error" role="alert">
          The map cannot be shown: {error}
        </div>
      )}
      {catchment && (legend.length > 0 || changed !== null) && (
        <CatchmentLegend
          entries={legend}
          landShares={landMask !== null}
          changedShare={changed}
          changedPeople={changedPeople}
          onLayout={refreshLabels}
        />
      )}
    </div>
  );
}

interface Comparison {
  grid: CatchmentModel['grid'];
  colors: CatchmentModel['colors'];
  changed: Uint8Array;
  pixels: Uint8ClampedArray;
}

/** The after-catchment painted against `baselineRecords`: changed places stand out. */
function compareWith(
  after: CatchmentModel | null,
  baselineRecords: readonly ResourceRecordSet[],
  theme: string,
  baselineHealth?: Readonly<Record<string, boolean>>,
  baselineModel?: LatencyModel | null,
): Comparison | null {
  const before = buildCatchment(
    baselineRecords,
    baselineHealth,
    CATCHMENT_GRID_SIZE,
    baselineModel,
  );
  if (!after && !before) return null;
  const size = (after ?? before)?.grid ?? null;
  if (!size) return null;
  const grid = after?.grid ?? {
    width: size.width,
    height: size.height,
    cells: new Int16Array(size.width * size.height).fill(-1),
  };
  const colors = after?.colors ?? [];
  const changed = changedCells(
    grid,
    (after?.records ?? []).map((r) => r.Region ?? ''),
    before?.grid ?? null,
    (before?.records ?? []).map((r) => r.Region ?? ''),
  );
  const pixels = new Uint8ClampedArray(grid.width * grid.height * 4);
  paintComparison(grid, colors, before?.grid ?? null, before?.colors ?? [], changed, pixels, {
    ...DEFAULT_COMPARISON_STYLE,
    outlineColor: theme === 'dark' ? [236, 239, 244] : [24, 28, 34],
  });
  return { grid, colors, changed, pixels };
}
