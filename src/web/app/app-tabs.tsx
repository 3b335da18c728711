import type { UseQueryResult } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense } from 'react';
import { displayName } from '../../engine/names';
import type { ResourceRecordSet } from '../../engine/types';
import type { ZoneSummary } from '../../shared/zones';
import { EmptyState, Skeleton } from '../components/states';
import type { PreviewQuery } from '../features/preview/api/get-test-dns-answer';
import { RecordsPanel } from '../features/records/components/records-panel';

// Tabs other than Records load on first use, keeping the first screen's JavaScript small.
const PreviewPanel = lazy(() =>
  import('../features/preview/components/preview-panel').then((m) => ({ default: m.PreviewPanel })),
);
const ImportExportPanel = lazy(() =>
  import('../features/import-export/components/import-export-panel').then((m) => ({
    default: m.ImportExportPanel,
  })),
);

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Skeleton rows={5} />}>{children}</Suspense>;
}

/** What every tab panel may use; the app builds it once per render. */
export interface TabContext {
  zone: ZoneSummary;
  records: UseQueryResult<ResourceRecordSet[]>;
  /** The name+type on the map; `name` in listing form (`app.example.com.`). */
  selected: { name: string; type: string } | null;
  preview: PreviewQuery;
  setPreview: (q: PreviewQuery) => void;
  selectRecord: (r: ResourceRecordSet) => void;
  selectTab: (id: string) => void;
  openCreate: () => void;
  openEdit: (r: ResourceRecordSet) => void;
}

export interface AppTab {
  id: string;
  label: string;
  render: (ctx: TabContext) => ReactNode;
}

/**
 * The tabs under the map, in order. Data, not markup: a feature adds its view by adding an entry
 * (issue 4 adds Review and History here).
 */
export const APP_TABS: readonly AppTab[] = [
  {
    id: 'records',
    label: 'Records',
    render: (ctx) => (
      <RecordsPanel
        zoneId={ctx.zone.id}
        zoneName={ctx.zone.name}
        records={ctx.records.data}
        loading={ctx.records.isPending}
        error={ctx.records.error}
        onRetry={() => void ctx.records.refetch()}
        selected={ctx.selected}
        onSelectRecord={ctx.selectRecord}
        onCreate={ctx.openCreate}
        onEdit={ctx.openEdit}
        onImport={() => ctx.selectTab('import-export')}
      />
    ),
  },
  {
    id: 'preview',
    label: 'Preview',
    render: (ctx) =>
      ctx.selected ? (
        <Lazy>
          <PreviewPanel
            zoneId={ctx.zone.id}
            recordName={displayName(ctx.selected.name)}
            recordType={ctx.selected.type}
            query={ctx.preview}
            onQueryChange={ctx.setPreview}
          />
        </Lazy>
      ) : (
        <EmptyState title="Pick a name to preview">
          Choose a record name on the left; the preview shows which region answers a city, an IP
          address or a client subnet, and why.
        </EmptyState>
      ),
  },
  {
    id: 'import-export',
    label: 'Import / Export',
    render: (ctx) => (
      <Lazy>
        <ImportExportPanel
          zoneId={ctx.zone.id}
          zoneName={ctx.zone.name}
          records={ctx.records.data}
          onApplied={() => ctx.selectTab('records')}
        />
      </Lazy>
    ),
  },
];

export const DEFAULT_TAB = 'records';
