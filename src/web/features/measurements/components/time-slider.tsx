import './measurements.css';
import { useEffect, useId, useRef, useState } from 'react';
import { formatTimestamp } from '../../../lib/format';
import { stepLabel } from '../lib/time-steps';

export interface TimeSliderProps {
  /** Positions, ms epoch, oldest first (replaySteps). */
  steps: readonly number[];
  /** Index of the position shown. */
  index: number;
  /** Called with a new index once the thumb has rested for `debounceMs`. */
  onChange: (index: number) => void;
  compare: boolean;
  onCompareChange: (on: boolean) => void;
  /** Disabled with this hint (e.g. a zone routed by distance). */
  disabledHint?: string | null;
  /** The catchment for the position is still loading. */
  pending?: boolean;
  windowDays: number;
  debounceMs?: number;
}

/**
 * Replay routing over the retained measurements: a day-step slider (debounced, so dragging
 * across the days fetches only where it rests) and "compare with a week ago".
 */
export function TimeSlider({
  steps,
  index,
  onChange,
  compare,
  onCompareChange,
  disabledHint,
  pending,
  windowDays,
  debounceMs = 250,
}: TimeSliderProps) {
  const id = useId();
  const compareId = useId();
  const hintId = useId();
  const [shown, setShown] = useState(index);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => setShown(index), [index]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const disabled = Boolean(disabledHint);
  const at = steps[shown] ?? steps[steps.length - 1] ?? Date.now();
  const label = stepLabel(steps, shown);
  return (
    <div
      className={`time-slider${disabled ? ' is-disabled' : ''}`}
      data-testid="time-slider"
      data-at={new Date(at).toISOString()}
      aria-busy={pending || undefined}
    >
      <label className="time-slider-label" htmlFor={id}>
        Routing as of
      </label>
      <input
        id={id}
        className="time-slider-range"
        type="range"
        min={0}
        max={Math.max(0, steps.length - 1)}
        step={1}
        value={shown}
        disabled={disabled || steps.length < 2}
        aria-valuetext={`${label}, ${formatTimestamp(new Date(at).toISOString())}`}
        aria-describedby={hintId}
        onChange={(e) => {
          const next = Number(e.target.value);
          setShown(next);
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => onChange(next), debounceMs);
        }}
      />
      <output className="time-slider-value" htmlFor={id} data-testid="time-slider-value">
        <strong>{label}</strong>{' '}
        <span className="muted">
          {new Date(at).toISOString().slice(0, 10)} · {windowDays}-day window
        </span>
        {pending && <span className="time-slider-spinner" role="status" aria-label="Loading" />}
      </output>
      <label className="checkbox time-slider-compare" htmlFor={compareId}>
        <input
          id={compareId}
          type="checkbox"
          checked={compare}
          disabled={disabled}
          onChange={(e) => onCompareChange(e.target.checked)}
        />
        Compare with a week before
      </label>
      <span id={hintId} className="time-slider-hint muted" title={disabledHint ?? undefined}>
        {disabledHint ??
          (steps.length < 2 ? 'Measurements span less than a day: nothing to replay yet.' : '')}
      </span>
    </div>
  );
}
