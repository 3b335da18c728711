import { displayName } from '../../engine/names';
import type { ResourceRecordSet } from '../../engine/types';
import { countDiff, type DiffKind, type DiffRow, recordValuesText } from '../lib/record-diff';

const KIND_LABEL: Record<DiffKind, string> = {
  added: 'added',
  changed: 'changed',
  removed: 'deleted',
  unchanged: 'unchanged',
};

function IdentityCell({ r }: { r: ResourceRecordSet }) {
  return (
    <td>
      <div className="diff-id-name">{displayName(r.Name)}</div>
      <div className="diff-id-meta">
        {[r.Type, r.SetIdentifier, r.Region].filter(Boolean).join(' · ')}
      </div>
    </td>
  );
}

/** The +added ~changed −deleted chips over a diff. */
export function DiffSummary({
  rows,
  unchanged,
  inline,
}: {
  rows: readonly DiffRow[];
  /** Unchanged sets not in `rows` (an import compares the whole zone). */
  unchanged?: number;
  /** Inside phrasing content (a button): a span instead of a paragraph. */
  inline?: boolean;
}) {
  const n = countDiff(rows);
  const same = n.unchanged + (unchanged ?? 0);
  const Tag = inline ? 'span' : 'p';
  return (
    <Tag className="diff-summary">
      {(!inline || n.added > 0) && <span className="diff-chip diff-added">+{n.added} added</span>}
      {(!inline || n.changed > 0) && (
        <span className="diff-chip diff-changed">~{n.changed} changed</span>
      )}
      {(!inline || n.removed > 0) && (
        <span className="diff-chip diff-removed">−{n.removed} deleted</span>
      )}
      {(unchanged !== undefined || same > 0) && <span className="muted">{same} unchanged</span>}
    </Tag>
  );
}

/**
 * A record-by-record diff: what each set was and what it becomes. Shared by import, review and
 * history, so a change reads the same wherever it is shown.
 */
export function RecordDiff({
  rows,
  label,
  unchanged,
  summary = true,
}: {
  rows: readonly DiffRow[];
  /** Accessible name of the section, e.g. "Changes this import makes". */
  label: string;
  unchanged?: number;
  summary?: boolean;
}) {
  const shown = rows.filter((r) => r.kind !== 'unchanged');
  return (
    <section className="diff" aria-label={label}>
      {summary && <DiffSummary rows={rows} unchanged={unchanged} />}
      {shown.length > 0 && (
        <div className="diff-scroll">
          <table className="table diff-table">
            <thead>
              <tr>
                <th scope="col">Change</th>
                <th scope="col">Record set</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((row, i) => {
                const r = row.after ?? row.before;
                if (!r) return null;
                return (
                  <tr
                    // biome-ignore lint/suspicious/noArrayIndexKey: a batch may touch one set twice
                    key={i}
                    className={`diff-row-${row.kind}`}
                  >
                    <td>
                      <span className={`diff-chip diff-${row.kind}`}>{KIND_LABEL[row.kind]}</span>
                    </td>
                    <IdentityCell r={r} />
                    {row.before ? (
                      <td className="mono diff-before">{recordValuesText(row.before)}</td>
                    ) : (
                      <td
                        className="muted"
                        title={row.kind === 'changed' ? 'Not in the listed history' : undefined}
                      >
                        {row.kind === 'changed' ? '(earlier)' : '—'}
                      </td>
                    )}
                    {row.after ? (
                      <td className="mono">{recordValuesText(row.after)}</td>
                    ) : (
                      <td className="muted">—</td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
