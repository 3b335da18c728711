// PLACEHOLDER owned by the map/preview helper, who replaces this file. Keeps the shell compiling.
import type { PreviewQuery } from '../api/get-test-dns-answer';

export interface PreviewPanelProps {
  zoneId: string;
  recordName: string;
  recordType: string;
  query: PreviewQuery;
  onQueryChange: (q: PreviewQuery) => void;
}

export function PreviewPanel({ recordName, recordType }: PreviewPanelProps) {
  return (
    <p className="muted">
      Routing preview for {recordName} {recordType} (not built yet).
    </p>
  );
}
