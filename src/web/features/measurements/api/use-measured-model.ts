import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { MeasuredLatencyModel } from '../../../../engine/measured-latency';
import type { MeasurementSnapshotWire } from '../../../../shared/measurements';
import { getMeasurementSnapshotQueryOptions } from './get-measurement-snapshot';

/** Models built per snapshot object: react-query hands back the same object for a cached position. */
const built = new WeakMap<MeasurementSnapshotWire, MeasuredLatencyModel>();

export interface MeasuredModelState {
  /** The engine model for the latest snapshot built (the previous one while the next loads). */
  model: MeasuredLatencyModel | null;
  /** Its snapshot. */
  snapshot: MeasurementSnapshotWire | null;
  /** A newer position is still being fetched or built. */
  pending: boolean;
  error: Error | null;
}

/**
 * The measured latency model of `zoneId` with the window ending at `at` (ms epoch; null: off).
 * Fetches the snapshot (cached per position), then loads the engine's measured model code on
 * demand and builds the model in the browser: the same engine the server routes with.
 */
export function useMeasuredModel(
  zoneId: string,
  at: number | null,
  windowDays: number,
): MeasuredModelState {
  const snapshot = useQuery({
    ...getMeasurementSnapshotQueryOptions(zoneId, at ?? 0, windowDays),
    enabled: at !== null && zoneId !== '',
    placeholderData: keepPreviousData,
  });
  const wire = at !== null ? (snapshot.data ?? null) : null;
  const [state, setState] = useState<{
    wire: MeasurementSnapshotWire;
    model: MeasuredLatencyModel;
  } | null>(null);
  const [loadError, setLoadError] = useState<Error | null>(null);

  useEffect(() => {
    if (!wire) return;
    const cached = built.get(wire);
    if (cached) {
      setState({ wire, model: cached });
      return;
    }
    let live = true;
    import('../lib/measured-model')
      .then(({ measuredModelFor }) => {
        const model = built.get(wire) ?? measuredModelFor(wire);
        built.set(wire, model);
        if (live) setState({ wire, model });
      })
      .catch((e: unknown) => {
        if (live) setLoadError(e instanceof Error ? e : new Error(String(e)));
      });
    return () => {
      live = false;
    };
  }, [wire]);

  if (at === null) return { model: null, snapshot: null, pending: false, error: null };
  return {
    model: state?.model ?? null,
    snapshot: state?.wire ?? null,
    pending: snapshot.isFetching || snapshot.isPlaceholderData || state?.wire !== wire,
    error: snapshot.error ?? loadError,
  };
}
