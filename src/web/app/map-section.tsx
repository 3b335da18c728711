import { type ReactNode, useId } from 'react';
import { displayName } from '../../engine/names';
import { REGIONS } from '../../engine/regions';
import type { LatencyModel, ResourceRecordSet } from '../../engine/types';
import { LazyAtlasMap } from './lazy-atlas-map';

export interface MapSectionProps {
  selected: { name: string; type: string } | null;
  records: ResourceRecordSet[];
  health?: Record<string, boolean>;
  client: { lat: number; lon: number; label: string } | null;
  chosenRegion: string | null;
  catchment: boolean;
  onCatchmentChange: (on: boolean) => void;
  onMapClick: (p: { lat: number; lon: number }) => void;
  onRecordClick: (r: ResourceRecordSet) => void;
  /**
   * A what-if beside the real status: the map then shows `health` (real plus picked failures)
   * against this baseline (the real status), with the places that change region hatched.
   */
  baseline?: { records: ResourceRecordSet[]; health: Record<string, boolean> } | null;
  /** Set ids down only in the what-if (their markers say so). */
  simulated?: readonly string[];
  /** Controls in the caption (e.g. the what-if switch). */
  captionActions?: ReactNode;
  /** A bar between the caption and the map (the measured-latency time slider). */
  toolbar?: ReactNode;
  /** The zone's latency model for the catchment (measured); default distance. */
  latencyModel?: LatencyModel | null;
  /** The baseline side's model in compare mode (default `latencyModel`). */
  baselineModel?: LatencyModel | null;
  /** The time slider's position (ms epoch) the catchment is drawn for; null: now / distance. */
  replayAt?: number | null;
  /** False while the model for the slider's position is still being fetched or built. */
  replayReady?: boolean;
}

const regions = [...REGIONS];

/** The map pane: caption, catchment switch, and the lazily loaded map itself. */
export function MapSection(props: MapSectionProps) {
  const catchmentId = useId();
  const { selected, records } = props;
  return (
    <section
      className="map-section"
      aria-label="Map"
      data-replay-at={
        props.replayAt !== undefined && props.replayAt !== null
          ? new Date(props.replayAt).toISOString()
          : undefined
      }
      data-replay-ready={props.replayReady === false ? 'false' : 'true'}
    >
      <div className="map-caption">
        <h1 className="map-title">
          {selected ? (
            <>
              <span className="mono">{displayName(selected.name)}</span>{' '}
              <span className="type-badge">{selected.type}</span>{' '}
              <span className="muted">
                {records.length
                  ? `${records.length} latency ${records.length === 1 ? 'record' : 'records'}`
                  : 'no latency records'}
              </span>
            </>
          ) : (
            <span className="muted">All regions</span>
          )}
        </h1>
        {props.client && (
          <span className="map-client">
            Client: {props.client.label}
            {props.chosenRegion && (
              <>
                {' '}
                → <span className="mono">{props.chosenRegion}</span>
              </>
            )}
          </span>
        )}
        <span className="toolbar-spacer" />
        {props.captionActions}
        <label className="checkbox" htmlFor={catchmentId}>
          <input
            id={catchmentId}
            type="checkbox"
            checked={props.catchment}
            onChange={(e) => props.onCatchmentChange(e.target.checked)}
          />
          Catchment
        </label>
      </div>
      {props.toolbar}
      <div className="map-frame">
        <LazyAtlasMap
          regions={regions}
          records={records}
          health={props.health}
          client={props.client}
          chosenRegion={props.chosenRegion}
          catchment={props.catchment}
          baselineRecords={props.baseline?.records ?? null}
          baselineHealth={props.baseline?.health}
          simulated={props.simulated}
          latencyModel={props.latencyModel}
          baselineModel={props.baselineModel}
          onMapClick={props.onMapClick}
          onRecordClick={props.onRecordClick}
        />
      </div>
    </section>
  );
}
