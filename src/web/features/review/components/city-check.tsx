import { type FormEvent, useId, useMemo, useState } from 'react';
import { explainRouting } from '../../../../engine/select-record';
import type { ResourceRecordSet } from '../../../../engine/types';
import { RegionChip } from '../../../components/region-chip';
import { errorMessage } from '../../../lib/api-client';
import { useFindCity } from '../api/check-city';

/**
 * "Where do users in <city> go?": the city's answer before and after the change, routed in the
 * browser with the engine the server uses, for places the impact tables do not list.
 */
export function CityCheck({
  before,
  after,
  label,
}: {
  before: ResourceRecordSet[];
  after: ResourceRecordSet[];
  /** The name+type, for the field's label. */
  label: string;
}) {
  const inputId = useId();
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const city = useFindCity(query);

  const result = useMemo(() => {
    const c = city.data;
    if (!c) return null;
    const b = explainRouting(before, c).chosen;
    const a = explainRouting(after, c).chosen;
    return { city: c, before: b, after: a };
  }, [city.data, before, after]);

  function submit(e: FormEvent) {
    e.preventDefault();
    setQuery(text);
  }

  return (
    <form className="city-check" onSubmit={submit} aria-label={`Check a city for ${label}`}>
      <label htmlFor={inputId} className="field-label">
        Check a city
      </label>
      <div className="city-check-row">
        <input
          id={inputId}
          className="input"
          placeholder="e.g. Tokyo"
          value={text}
          autoComplete="off"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="button" disabled={!text.trim()}>
          Check
        </button>
      </div>
      <output className="city-check-result" aria-live="polite">
        {city.isFetching && !result ? (
          <span className="muted">Looking up…</span>
        ) : city.error ? (
          <span className="field-error">{errorMessage(city.error)}</span>
        ) : query && city.data === null ? (
          <span className="muted">No city matches “{query}”.</span>
        ) : result ? (
          <>
            <strong>
              {result.city.name}, {result.city.country}
            </strong>
            : <RegionChip code={result.before?.region ?? null} /> →{' '}
            <RegionChip code={result.after?.region ?? null} />{' '}
            <span className="muted">
              {result.before?.region === result.after?.region ? 'stays' : 'moves'}
              {result.before && result.after
                ? ` · ${Math.round(result.before.rttMs)} → ${Math.round(result.after.rttMs)} ms`
                : ''}
            </span>
          </>
        ) : null}
      </output>
    </form>
  );
}
