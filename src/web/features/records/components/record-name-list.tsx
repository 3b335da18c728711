import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { displayName } from '../../../../engine/names';
import type { RecordGroup } from '../lib/record-groups';

export interface RecordNameListProps {
  groups: readonly RecordGroup[];
  selected: { name: string; type: string } | null;
  /** `replace`: keyboard moves, which should not fill the history. */
  onSelect: (g: RecordGroup, how: { replace: boolean }) => void;
}

/** Row height, px (fixed: the list is virtualised for zones with thousands of names). */
const ITEM_HEIGHT = 27;

const keyOf = (g: { name: string; type: string }) => `${g.name}|${g.type}`;

/**
 * The zone's names with their type and region count. A listbox: Tab in, arrows/Home/End move
 * and select, type in the filter box to narrow (Down from the filter enters the list).
 */
export function RecordNameList({ groups, selected, onSelect }: RecordNameListProps) {
  const filterId = useId();
  const listId = useId();
  const [filter, setFilter] = useState('');
  const listRef = useRef<HTMLDivElement>(null);

  const visible = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return groups;
    return groups.filter((g) => {
      const hay = `${displayName(g.name)} ${g.type} ${g.regions.join(' ')}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    });
  }, [groups, filter]);

  const selKey = selected ? keyOf(selected) : null;
  const selIndex = visible.findIndex((g) => keyOf(g) === selKey);
  const optionId = (g: RecordGroup) => `${listId}-${keyOf(g).replace(/[^a-zA-Z0-9_-]/g, '_')}`;

  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => listRef.current,
    estimateSize: () => ITEM_HEIGHT,
    overscan: 8,
  });

  useEffect(() => {
    if (selIndex >= 0) virtualizer.scrollToIndex(selIndex, { align: 'auto' });
  }, [selIndex, virtualizer]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (!visible.length) return;
    let i = selIndex;
    if (e.key === 'ArrowDown') i = Math.min(visible.length - 1, selIndex + 1);
    else if (e.key === 'ArrowUp') i = Math.max(0, selIndex < 0 ? 0 : selIndex - 1);
    else if (e.key === 'Home') i = 0;
    else if (e.key === 'End') i = visible.length - 1;
    else if (e.key === 'PageDown') i = Math.min(visible.length - 1, selIndex + 10);
    else if (e.key === 'PageUp') i = Math.max(0, selIndex - 10);
    else return;
    e.preventDefault();
    const g = visible[i];
    if (g && i !== selIndex) onSelect(g, { replace: true });
  }

  return (
    <nav className="name-list" aria-label="Record names">
      <label htmlFor={filterId} className="visually-hidden">
        Filter names
      </label>
      <input
        id={filterId}
        type="search"
        className="input name-filter"
        placeholder="Filter names"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && visible.length) {
            e.preventDefault();
            listRef.current?.focus();
            const first = visible[0];
            if (selIndex < 0 && first) onSelect(first, { replace: true });
          }
        }}
      />
      <div
        ref={listRef}
        id={listId}
        role="listbox"
        aria-label="Names in this zone"
        tabIndex={0}
        className="name-list-items"
        aria-activedescendant={
          selIndex >= 0 && visible[selIndex] ? optionId(visible[selIndex]) : undefined
        }
        onKeyDown={onKeyDown}
      >
        <div
          className="name-list-pad"
          style={{ height: virtualizer.getVirtualItems()[0]?.start ?? 0 }}
        />
        {virtualizer.getVirtualItems().map((vi) => {
          const g = visible[vi.index];
          if (!g) return null;
          const isSel = keyOf(g) === selKey;
          return (
            // The listbox takes the keys (aria-activedescendant); a click selects directly.
            // biome-ignore lint/a11y/useKeyWithClickEvents: keys are handled by the listbox
            <div
              key={keyOf(g)}
              id={optionId(g)}
              data-index={vi.index}
              role="option"
              aria-selected={isSel}
              tabIndex={-1}
              aria-setsize={visible.length}
              aria-posinset={vi.index + 1}
              className={isSel ? 'name-item is-selected' : 'name-item'}
              title={displayName(g.name)}
              onClick={() => onSelect(g, { replace: false })}
            >
              <span className="name-item-name">{g.relative}</span>
              <span className="type-badge">{g.type}</span>
              <span className="name-item-count">
                {g.latencyCount > 0
                  ? `${g.latencyCount} ${g.latencyCount === 1 ? 'region' : 'regions'}`
                  : 'simple'}
              </span>
            </div>
          );
        })}
        <div
          className="name-list-pad"
          style={{
            height: Math.max(
              0,
              virtualizer.getTotalSize() - (virtualizer.getVirtualItems().at(-1)?.end ?? 0),
            ),
          }}
        />
      </div>
      {visible.length === 0 && groups.length > 0 && (
        <p className="muted name-list-empty">No name matches.</p>
      )}
    </nav>
  );
}
