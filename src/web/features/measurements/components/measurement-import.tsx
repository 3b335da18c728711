import './measurements.css';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import type { RejectedMeasurement } from '../../../../shared/measurements';
import { errorMessage } from '../../../lib/api-client';
import { formatCount } from '../../../lib/format';
import type { Permission } from '../../../lib/permissions';
import { postMeasurementsCsv } from '../api/post-measurements';
import { CSV_CHUNK_ROWS, csvHeaderProblem, splitCsv } from '../lib/csv-chunks';

type ImportState =
  | { phase: 'idle' }
  | {
      phase: 'sending' | 'done' | 'failed' | 'cancelled';
      file: string;
      total: number;
      sent: number;
      accepted: number;
      rejected: RejectedMeasurement[];
      rejectedCount: number;
      error?: string;
    };

/** Rejected rows kept for display (the count is exact). */
const SHOW_REJECTED = 10;

/**
 * Import a CSV of measurements: split in the browser into requests of ≤ 10,000 rows (header on
 * each), posted one after another with a progress bar; then what was accepted and the first
 * rejected rows (file row index, field, message).
 */
export function MeasurementImport({ permission }: { permission: Permission }) {
  const inputId = useId();
  const helpId = useId();
  const qc = useQueryClient();
  const [state, setState] = useState<ImportState>({ phase: 'idle' });
  const abort = useRef<AbortController | null>(null);

  async function run(file: File) {
    const text = await file.text();
    const split = splitCsv(text, CSV_CHUNK_ROWS);
    const problem = csvHeaderProblem(split.header);
    const base = {
      file: file.name,
      total: split.totalRows,
      sent: 0,
      accepted: 0,
      rejected: [] as RejectedMeasurement[],
      rejectedCount: 0,
    };
    if (problem || split.totalRows === 0) {
      setState({ ...base, phase: 'failed', error: problem ?? 'The file has no data rows.' });
      return;
    }
    const controller = new AbortController();
    abort.current = controller;
    let s = { ...base };
    setState({ ...s, phase: 'sending' });
    try {
      for (const chunk of split.chunks) {
        const res = await postMeasurementsCsv(chunk.text, controller.signal);
        const rejected = res.rejected.map((r) => ({ ...r, index: r.index + chunk.firstRow }));
        s = {
          ...s,
          sent: s.sent + chunk.rows,
          accepted: s.accepted + res.accepted,
          rejectedCount: s.rejectedCount + rejected.length,
          rejected:
            s.rejected.length < SHOW_REJECTED
              ? [...s.rejected, ...rejected].slice(0, SHOW_REJECTED)
              : s.rejected,
        };
        setState({ ...s, phase: 'sending' });
      }
      setState({ ...s, phase: 'done' });
    } catch (e) {
      const cancelled = e instanceof DOMException && e.name === 'AbortError';
      setState({ ...s, phase: cancelled ? 'cancelled' : 'failed', error: errorMessage(e) });
    } finally {
      abort.current = null;
      if (s.accepted > 0) void qc.invalidateQueries({ queryKey: ['measurements'] });
    }
  }

  const sending = state.phase === 'sending';
  return (
    <section className="measurement-import" aria-label="Import measurements">
      <h3 className="preview-subtitle">Import measurements (CSV)</h3>
      <div className="measurement-import-row">
        <label className="button" htmlFor={inputId} aria-disabled={!permission.allowed || sending}>
          Choose a CSV file…
        </label>
        <input
          id={inputId}
          className="visually-hidden"
          type="file"
          accept=".csv,text/csv"
          aria-label="CSV file of measurements"
          aria-describedby={helpId}
          disabled={!permission.allowed || sending}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void run(file);
          }}
        />
        {sending && (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => abort.current?.abort()}
          >
            Cancel
          </button>
        )}
      </div>
      <p id={helpId} className="field-help">
        {permission.allowed ? (
          <>
            Header <code>at,region,rttMs,ip|subnet|lat,lon|city,source</code>, one measurement a
            row; sent {formatCount(CSV_CHUNK_ROWS)} rows a request. Bad rows are named and skipped.
          </>
        ) : (
          permission.reason
        )}
      </p>
      {state.phase !== 'idle' && (
        <div className="measurement-import-status" data-testid="measurement-import-status">
          <div className="measurement-import-progress">
            <progress
              max={Math.max(1, state.total)}
              value={state.sent}
              aria-label={`Rows sent from ${state.file}`}
            />
            <span data-testid="measurement-import-sent">
              {formatCount(state.sent)} / {formatCount(state.total)} rows sent
            </span>
          </div>
          {state.phase !== 'sending' && (
            <p
              className={`measurement-import-result${state.phase === 'done' ? '' : ' is-error'}`}
              role={state.phase === 'done' ? 'status' : 'alert'}
              data-testid="measurement-import-result"
            >
              {state.phase === 'done'
                ? `${state.file}: ${formatCount(state.accepted)} accepted, ${formatCount(state.rejectedCount)} rejected`
                : state.phase === 'cancelled'
                  ? `Cancelled after ${formatCount(state.sent)} rows: ${formatCount(state.accepted)} accepted, ${formatCount(state.rejectedCount)} rejected`
                  : `${state.file}: ${state.error ?? 'the import failed'}${state.sent ? ` (after ${formatCount(state.sent)} rows: ${formatCount(state.accepted)} accepted)` : ''}`}
            </p>
          )}
          {state.rejected.length > 0 && (
            <table className="measurement-rejected" aria-label="Rejected rows">
              <caption className="muted">
                {state.rejectedCount > state.rejected.length
                  ? `First ${state.rejected.length} of ${formatCount(state.rejectedCount)} rejected rows`
                  : 'Rejected rows'}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Field</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {state.rejected.map((r) => (
                  <tr key={`${r.index}|${r.field}`}>
                    <td className="mono">{r.index}</td>
                    <td className="mono">{r.field}</td>
                    <td>{r.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
