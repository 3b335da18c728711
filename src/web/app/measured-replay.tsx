import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import type { LatencyModel } from '../../engine/types';
import { DAY_MS, type RoutingModel } from '../../shared/measurements';
import { useMeasurementSummary } from '../features/measurements/api/get-measurement-summary';
import { useMeasuredModel } from '../features/measurements/api/use-measured-model';
import { nearestStep, replaySteps } from '../features/measurements/lib/time-steps';

const TimeSlider = lazy(() =>
  import('../features/measurements/components/time-slider').then((m) => ({
    default: m.TimeSlider,
  })),
);

/** What the map draws with: the model at the slider's position and, comparing, a week before. */
export interface ReplayModels {
  model: LatencyModel | null;
  /** Set while comparing with a week before (null until that model is built). */
  baseline: LatencyModel | null;
  compare: boolean;
  /** The slider's position, ms epoch (null: a distance zone). */
  at: number | null;
  /** The model for `at` (and the baseline) is built. */
  ready: boolean;
}

const WEEK_MS = 7 * DAY_MS;

/**
 * The map's time slider for a zone on the measured model: replays the catchment over the
 * retained measurements in day steps and compares with a week before. Loaded on demand (the
 * first screen does not need it); hands the models up, the map draws them.
 */
export function MeasuredReplay({
  zoneId,
  routingModel,
  windowDays,
  onModels,
}: {
  zoneId: string;
  routingModel: RoutingModel | undefined;
  windowDays: number;
  onModels: (m: ReplayModels) => void;
}) {
  const measured = routingModel === 'measured';
  const summary = useMeasurementSummary(measured);
  // biome-ignore lint/correctness/useExhaustiveDependencies: "now" moves on when the summary refreshes
  const now = useMemo(() => Date.now(), [summary.dataUpdatedAt]);
  const steps = useMemo(
    () => replaySteps(summary.data?.oldest ?? null, now),
    [summary.data?.oldest, now],
  );
  const [picked, setPicked] = useState<number | null>(null);
  const [compare, setCompare] = useState(false);
  const index = nearestStep(steps, picked);
  const at = measured ? (steps[index] ?? null) : null;
  const current = useMeasuredModel(zoneId, at, windowDays);
  const before = useMeasuredModel(zoneId, compare && at !== null ? at - WEEK_MS : null, windowDays);

  const ready = !current.pending && current.model !== null && (!compare || !before.pending);
  useEffect(() => {
    onModels({
      model: measured ? current.model : null,
      baseline: measured && compare ? before.model : null,
      compare: measured && compare,
      at,
      ready: measured ? ready : true,
    });
  }, [onModels, measured, current.model, before.model, compare, at, ready]);

  return (
    <Suspense fallback={<div className="time-slider" />}>
      <TimeSlider
        steps={steps}
        index={index}
        onChange={(i) => setPicked(i === steps.length - 1 ? null : (steps[i] ?? null))}
        compare={compare}
        onCompareChange={setCompare}
        windowDays={windowDays}
        pending={measured && (!ready || summary.isFetching)}
        disabledHint={
          measured
            ? null
            : 'This zone routes by distance: switch it to measured latency in Review › zone settings to replay routing.'
        }
      />
      {(current.error ?? before.error) && (
        <p className="field-error time-slider-error" role="alert">
          Measurements could not be loaded: {(current.error ?? before.error)?.message}
        </p>
      )}
    </Suspense>
  );
}
