import { type KeyboardEvent, type ReactNode, useId, useMemo, useRef, useState } from 'react';

export interface ComboboxOption {
  value: string;
  /** Main text, e.g. the region code. */
  label: string;
  /** Secondary text, e.g. `Europe (Ireland) · Dublin`. */
  detail?: string;
  /** Why this option is a poor choice (still selectable; validation explains the rest). */
  note?: string;
  unavailable?: boolean;
  /** Extra words the filter matches. */
  keywords?: string;
}

export interface ComboboxProps {
  id?: string;
  label: ReactNode;
  options: readonly ComboboxOption[];
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
  /** Text shown in the input for the selected value. */
  format?: (o: ComboboxOption) => string;
  onBlur?: () => void;
}

function matches(o: ComboboxOption, words: string[]): boolean {
  const hay = `${o.value} ${o.label} ${o.detail ?? ''} ${o.keywords ?? ''}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

/**
 * Searchable select (WAI-ARIA combobox + listbox). Type to filter on every word, arrows move,
 * Enter picks, Escape closes and restores the chosen value. Unavailable options stay listed,
 * marked, after the available ones.
 */
export function Combobox(props: ComboboxProps) {
  const { label, options, value, onChange, placeholder, invalid, describedBy, onBlur } = props;
  const autoId = useId();
  const id = props.id ?? autoId;
  const listId = `${id}-listbox`;
  const format = props.format ?? ((o: ComboboxOption) => o.label);
  const [query, setQuery] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);

  const selected = options.find((o) => o.value === value);
  const filtered = useMemo(() => {
    const words = (query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const hits = words.length ? options.filter((o) => matches(o, words)) : [...options];
    return [...hits.filter((o) => !o.unavailable), ...hits.filter((o) => o.unavailable)];
  }, [options, query]);

  function pick(o: ComboboxOption | undefined) {
    if (!o) return;
    onChange(o.value);
    setQuery(null);
    setOpen(false);
  }

  function moveTo(i: number) {
    const n = filtered.length;
    if (!n) return;
    const next = (i + n) % n;
    setActive(next);
    listRef.current?.querySelector(`[data-index="${next}"]`)?.scrollIntoView({ block: 'nearest' });
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!open) {
        setOpen(true);
        const cur = filtered.findIndex((o) => o.value === value);
        setActive(Math.max(cur, 0));
        return;
      }
      moveTo(active + (e.key === 'ArrowDown' ? 1 : -1));
    } else if (e.key === 'Enter') {
      if (open) {
        e.preventDefault();
        pick(filtered[active]);
      }
    } else if (e.key === 'Escape') {
      if (open || query !== null) {
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
        setQuery(null);
      }
    } else if (e.key === 'Home' && open) {
      e.preventDefault();
      moveTo(0);
    } else if (e.key === 'End' && open) {
      e.preventDefault();
      moveTo(filtered.length - 1);
    }
  }

  const activeOption = open ? filtered[active] : undefined;
  return (
    <div className="combobox">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        className="input"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeOption ? `${id}-opt-${activeOption.value}` : undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        placeholder={placeholder}
        value={query ?? (selected ? format(selected) : value)}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onFocus={(e) => e.target.select()}
        onClick={() => setOpen(true)}
        onKeyDown={onKeyDown}
        onBlur={() => {
          setOpen(false);
          setQuery(null);
          onBlur?.();
        }}
      />
      <div
        id={listId}
        ref={listRef}
        role="listbox"
        aria-label={typeof label === 'string' ? `${label} options` : undefined}
        className="combobox-list"
        hidden={!open}
      >
        {filtered.map((o, i) => (
          // Keyboard selection happens on the input (aria-activedescendant); the mouse picks here.
          // biome-ignore lint/a11y/useKeyWithClickEvents: keys are handled by the combobox input
          <div
            key={o.value}
            id={`${id}-opt-${o.value}`}
            data-index={i}
            role="option"
            tabIndex={-1}
            aria-selected={o.value === value}
            className={`combobox-option${i === active ? ' is-active' : ''}${o.unavailable ? ' is-unavailable' : ''}`}
            onMouseDown={(e) => e.preventDefault()}
            onMouseMove={() => setActive(i)}
            onClick={() => pick(o)}
          >
            <span className="combobox-option-label">{o.label}</span>
            {o.detail && <span className="combobox-option-detail">{o.detail}</span>}
            {o.note && <span className="combobox-option-note">{o.note}</span>}
          </div>
        ))}
      </div>
      {open && filtered.length === 0 && (
        <div className="combobox-list combobox-empty" role="status">
          No match
        </div>
      )}
    </div>
  );
}
