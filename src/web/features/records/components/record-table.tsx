import {
  type ColumnDef,
  type FilterFn,
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  type SortingState,
  useReactTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, type ReactNode, useId, useMemo, useRef, useState } from 'react';
import { displayName, normalizeName, recordSetKey } from '../../../../engine/names';
import { findRegion } from '../../../../engine/regions';
import type { ResourceRecordSet } from '../../../../engine/types';

export interface RecordTableProps {
  records: readonly ResourceRecordSet[];
  /** Highlight the rows of this name+type (the one on the map). */
  selected?: { name: string; type: string } | null;
  onSelectRow?: (r: ResourceRecordSet) => void;
  /** Absent (with onDelete): read only, no edit controls. */
  onEdit?: (r: ResourceRecordSet) => void;
  onDelete?: (r: ResourceRecordSet) => void;
  /** Toolbar content on the right of the filter (e.g. "Create record"). */
  actions?: React.ReactNode;
  /** Sets a draft touches (by recordSetKey), marked in their row. */
  marks?: ReadonlyMap<string, 'CREATE' | 'UPSERT' | 'DELETE'>;
  /**
   * Live health of a health check id (the app composes it from the health feature): what the
   * Health check column shows, and words the filter matches (`unhealthy`, `override`).
   */
  healthOf?: (healthCheckId: string) => RecordHealth | undefined;
}

export interface RecordHealth {
  node: ReactNode;
  text: string;
}

/** Rendered row height, px: fixed so the virtualiser never measures (smooth at 10,000 rows). */
const ROW_HEIGHT = 32;

interface Row {
  record: ResourceRecordSet;
  name: string;
  search: string;
  values: string;
  health: RecordHealth | undefined;
}

function valuesText(r: ResourceRecordSet): string {
  if (r.AliasTarget) return `alias → ${r.AliasTarget.DNSName}`;
  return (r.ResourceRecords ?? []).map((v) => v.Value).join(', ');
}

/** Apex NS and SOA belong to the zone itself; Route 53 refuses to delete them. */
function isZoneRecord(r: ResourceRecordSet, apex: string | null): boolean {
  return (r.Type === 'NS' || r.Type === 'SOA') && apex !== null && normalizeName(r.Name) === apex;
}

const matchesSearch: FilterFn<Row> = (row, _columnId, value: string) => {
  const words = value.toLowerCase().split(/\s+/).filter(Boolean);
  return words.every((w) => row.original.search.includes(w));
};

/** Column widths: fixed where the content is short, shares of the rest elsewhere. */
const WIDTHS: Record<string, string> = {
  name: '20%',
  type: '64px',
  setIdentifier: '13%',
  region: '200px',
  ttl: '64px',
  values: 'auto',
  healthCheck: '19%',
};

const columns: ColumnDef<Row>[] = [
  { id: 'name', header: 'Name', accessorFn: (r) => r.name },
  { id: 'type', header: 'Type', accessorFn: (r) => r.record.Type },
  {
    id: 'setIdentifier',
    header: 'Set ID',
    accessorFn: (r) => r.record.SetIdentifier ?? '',
  },
  { id: 'region', header: 'Region', accessorFn: (r) => r.record.Region ?? '' },
  {
    id: 'ttl',
    header: 'TTL',
    accessorFn: (r) => r.record.TTL ?? -1,
    sortUndefined: 'last',
  },
  { id: 'values', header: 'Values', accessorFn: (r) => r.values },
  {
    id: 'healthCheck',
    header: 'Health check',
    accessorFn: (r) => r.record.HealthCheckId ?? '',
  },
];

/**
 * The zone's record sets: sortable by every column, one filter over all text, and only the
 * visible rows in the DOM. Values are plain text nodes, never HTML.
 */
export function RecordTable({
  records,
  selected,
  onSelectRow,
  onEdit,
  onDelete,
  actions,
  marks,
  healthOf,
}: RecordTableProps) {
  const filterId = useId();
  const [sorting, setSorting] = useState<SortingState>([]);
  const [filter, setFilter] = useState('');
  const scrollRef = useRef<HTMLElement>(null);

  const apex = useMemo(() => {
    const soa = records.find((r) => r.Type === 'SOA');
    return soa ? normalizeName(soa.Name) : null;
  }, [records]);

  const rows = useMemo<Row[]>(
    () =>
      records.map((record) => {
        const name = displayName(record.Name);
        const values = valuesText(record);
        const region = record.Region ? findRegion(record.Region) : undefined;
        const health = record.HealthCheckId ? healthOf?.(record.HealthCheckId) : undefined;
        const search = [
          name,
          record.Type,
          record.SetIdentifier,
          record.Region,
          region?.city,
          region?.name,
          record.TTL,
          values,
          record.HealthCheckId,
          health?.text,
        ]
          .filter((x) => x !== undefined)
          .join(' ')
          .toLowerCase();
        return { record, name, values, search, health };
      }),
    [records, healthOf],
  );

  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting, globalFilter: filter },
    onSortingChange: setSorting,
    onGlobalFilterChange: setFilter,
    globalFilterFn: matchesSearch,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    enableSortingRemoval: true,
  });

  const visibleRows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({
    count: visibleRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length
    ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0)
    : 0;
  const selName = selected ? normalizeName(selected.name) : null;

  return (
    <div className="record-table">
      <div className="toolbar">
        <label htmlFor={filterId} className="visually-hidden">
          Filter records
        </label>
        <input
          id={filterId}
          type="search"
          className="input toolbar-filter"
          placeholder="Filter: name, type, region, value…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <span className="toolbar-count" aria-live="polite">
          {filter
            ? `${visibleRows.length.toLocaleString()} of ${records.length.toLocaleString()} record sets`
            : `${records.length.toLocaleString()} record sets`}
        </span>
        <span className="toolbar-spacer" />
        {actions}
      </div>
      <section
        ref={scrollRef}
        className="table-scroll"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the scroll area must be keyboard scrollable
        tabIndex={0}
        aria-label="Record sets table"
      >
        <table className="table" aria-rowcount={visibleRows.length + 1}>
          <colgroup>
            {table.getVisibleLeafColumns().map((c) => (
              <col key={c.id} style={{ width: WIDTHS[c.id] }} />
            ))}
            <col style={{ width: '8.5rem' }} />
          </colgroup>
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id} aria-rowindex={1}>
                {hg.headers.map((h) => {
                  const dir = h.column.getIsSorted();
                  return (
                    <th
                      key={h.id}
                      scope="col"
                      aria-sort={
                        dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'
                      }
                      className={h.column.id === 'ttl' ? 'num' : undefined}
                    >
                      <button
                        type="button"
                        className="th-sort"
                        onClick={h.column.getToggleSortingHandler()}
                      >
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        <span className="sort-indicator" aria-hidden="true">
                          {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}
                        </span>
                      </button>
                    </th>
                  );
                })}
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            ))}
          </thead>
          <tbody>
            {padTop > 0 && (
              // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row holds no focusable content
              <tr aria-hidden="true" className="spacer">
                <td colSpan={8} style={{ height: padTop }} />
              </tr>
            )}
            {items.map((vi) => {
              const row = visibleRows[vi.index];
              if (!row) return null;
              const r = row.original.record;
              const isSel =
                selName !== null && selected?.type === r.Type && normalizeName(r.Name) === selName;
              return (
                <RecordRow
                  key={row.id}
                  row={row.original}
                  index={vi.index + 2}
                  selected={isSel}
                  deletable={!isZoneRecord(r, apex)}
                  mark={marks?.get(recordSetKey(r))}
                  onSelect={onSelectRow}
                  onEdit={onEdit}
                  onDelete={onDelete}
                />
              );
            })}
            {padBottom > 0 && (
              // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row holds no focusable content
              <tr aria-hidden="true" className="spacer">
                <td colSpan={8} style={{ height: padBottom }} />
              </tr>
            )}
          </tbody>
        </table>
        {visibleRows.length === 0 && records.length > 0 && (
          <p className="table-empty">No record set matches “{filter}”.</p>
        )}
      </section>
    </div>
  );
}

interface RecordRowProps {
  row: Row;
  index: number;
  selected: boolean;
  deletable: boolean;
  mark?: 'CREATE' | 'UPSERT' | 'DELETE';
  onSelect?: (r: ResourceRecordSet) => void;
  onEdit?: (r: ResourceRecordSet) => void;
  onDelete?: (r: ResourceRecordSet) => void;
}

const RecordRow = memo(function RecordRow({
  row,
  index,
  selected,
  deletable,
  mark,
  onSelect,
  onEdit,
  onDelete,
}: RecordRowProps) {
  const r = row.record;
  const region = r.Region ? findRegion(r.Region) : undefined;
  const editable = r.Region !== undefined;
  const label = `${row.name} ${r.Type}${r.SetIdentifier ? ` ${r.SetIdentifier}` : ''}`;
  return (
    <tr
      aria-rowindex={index}
      className={selected ? 'is-selected' : undefined}
      onClick={onSelect ? () => onSelect(r) : undefined}
    >
      <td className="cell-name" title={row.name}>
        {mark && (
          <span
            className={`draft-mark draft-mark-${mark.toLowerCase()}`}
            title={mark === 'CREATE' ? 'New in your draft' : 'Changed in your draft'}
          >
            draft
          </span>
        )}
        {row.name}
      </td>
      <td>
        <span className="type-badge">{r.Type}</span>
      </td>
      <td className="mono" title={r.SetIdentifier}>
        {r.SetIdentifier ?? ''}
      </td>
      <td title={region ? `${region.name} · ${region.city}` : r.Region}>
        {r.Region ? (
          <>
            <span className="mono">{r.Region}</span>
            {region && <span className="muted"> {region.city}</span>}
          </>
        ) : (
          <span className="muted">simple</span>
        )}
      </td>
      <td className="num">{r.TTL ?? <span className="muted">—</span>}</td>
      <td className="mono cell-values" title={row.values}>
        {row.values}
      </td>
      {row.health ? (
        <td className="cell-health" title={`Health check ${r.HealthCheckId}`}>
          {row.health.node}
        </td>
      ) : (
        <td className="mono muted" title={r.HealthCheckId}>
          {r.HealthCheckId ?? ''}
        </td>
      )}
      <td className="cell-actions">
        {onEdit && (
          <button
            type="button"
            className="button button-small"
            aria-label={`Edit ${label}`}
            disabled={!editable}
            title={
              editable ? undefined : 'Only latency records are edited here; use Import for others'
            }
            onClick={(e) => {
              e.stopPropagation();
              onEdit(r);
            }}
          >
            Edit
          </button>
        )}
        {onDelete && (
          <button
            type="button"
            className="button button-small button-danger-quiet"
            aria-label={`Delete ${label}`}
            disabled={!deletable}
            title={deletable ? undefined : 'The zone apex NS and SOA cannot be deleted'}
            onClick={(e) => {
              e.stopPropagation();
              onDelete(r);
            }}
          >
            Delete
          </button>
        )}
      </td>
    </tr>
  );
});
