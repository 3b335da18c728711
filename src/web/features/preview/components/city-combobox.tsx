import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import type { City } from '../../../../shared/geo';
import { cityLabel, useSearchCities } from '../api/search-cities';

/** `value`, once it has stopped changing for `ms` milliseconds. */
export function useDebouncedValue<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

function formatPopulation(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)} M`;
  if (n >= 1_000) return `${Math.round(n / 1_000)} k`;
  return String(n);
}

export interface CityComboboxProps {
  id: string;
  /** The chosen city's label (`London, GB`), shown when the operator is not typing. */
  value: string;
  onSelect: (city: City) => void;
  error?: string | null;
  describedBy?: string;
}

/**
 * City autocomplete from /api/cities (WAI-ARIA 1.2 combobox with a listbox popup): typing
 * searches after a short pause, Up/Down move, Enter picks, Escape closes and restores.
 */
export function CityCombobox({ id, value, onSelect, error, describedBy }: CityComboboxProps) {
  const [text, setText] = useState(value);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = useId();
  const errorId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const query = useDebouncedValue(open ? text : '', 200);
  const cities = useSearchCities(query);
  const options: City[] = open && query.trim() ? (cities.data ?? []) : [];
  const waiting = open && text.trim() !== '' && (text !== query || cities.isFetching);

  // The URL (or a map click) changed the chosen city: show it.
  useEffect(() => {
    setText(value);
  }, [value]);

  // New suggestions: nothing highlighted until the operator moves.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the list changes
  useEffect(() => setActive(-1), [cities.data]);

  function choose(c: City) {
    setText(cityLabel(c));
    setOpen(false);
    setActive(-1);
    onSelect(c);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) setOpen(true);
      setActive((i) => (options.length ? (i + 1) % options.length : -1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => (options.length ? (i <= 0 ? options.length - 1 : i - 1) : -1));
    } else if (e.key === 'Enter') {
      if (!open) return;
      const pick = options[Math.max(active, 0)];
      if (pick) {
        e.preventDefault();
        choose(pick);
      }
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        setOpen(false);
        setText(value);
      }
    }
  }

  const activeId = active >= 0 && options[active] ? `${listId}-opt-${active}` : undefined;
  const showList = open && text.trim() !== '';
  const described = [error ? errorId : null, describedBy].filter(Boolean).join(' ') || undefined;

  return (
    <div className="combobox city-combobox">
      <input
        ref={inputRef}
        id={id}
        className="input"
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        placeholder="Start typing a city, e.g. London"
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={activeId}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={(e) => e.target.select()}
        onKeyDown={onKeyDown}
        onBlur={() => {
          setOpen(false);
          setText(value);
        }}
      />
      <div
        id={listId}
        role="listbox"
        aria-label="Cities"
        className="combobox-list"
        hidden={!showList || options.length === 0}
      >
        {options.map((c, i) => (
          // Focus stays in the input (aria-activedescendant); keys are handled there.
          // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox input handles the keyboard
          <div
            key={c.id}
            id={`${listId}-opt-${i}`}
            role="option"
            tabIndex={-1}
            aria-selected={i === active}
            className={`combobox-option city-option${i === active ? ' is-active' : ''}`}
            // Keep focus in the input so blur does not close the list before the click lands.
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => choose(c)}
          >
            <span className="city-option-name">{cityLabel(c)}</span>
            <span className="combobox-option-detail">
              {c.lat.toFixed(2)}, {c.lon.toFixed(2)} · {formatPopulation(c.population)}
            </span>
          </div>
        ))}
      </div>
      {showList && options.length === 0 && (
        <div className="combobox-list combobox-empty" role="status">
          {waiting
            ? 'Searching…'
            : cities.error
              ? 'City search failed'
              : 'No city starts with that'}
        </div>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
