import type { UseQueryResult } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense } from 'react';
import { displayName } from '../../engine/names';
import type { ResourceRecordSet } from '../../engine/types';
import type { HealthCheckReference } from '../../shared/health';
import { PROPOSAL_STATUSES, type ProposalStatus } from '../../shared/proposals';
import type { ZoneSummary } from '../../shared/zones';
import { EmptyState, Skeleton } from '../components/states';
import type { TimelineItem } from '../features/history/lib/timeline';
import type { PreviewQuery } from '../features/preview/api/get-test-dns-answer';
import type { RecordHealth } from '../features/records/components/record-table';
import { RecordsPanel } from '../features/records/components/records-panel';
import {
  canChangeSettings,
  canEditHealthChecks,
  canPostMeasurements,
  canPropose,
  type Viewer,
} from '../lib/permissions';
import { dnsClientForPreview } from './preview-dns';

// Tabs other than Records load on first use, keeping the first screen's JavaScript small.
const PreviewPanel = lazy(() =>
  import('../features/preview/components/preview-panel').then((m) => ({ default: m.PreviewPanel })),
);
const DnsAnswerPanel = lazy(() =>
  import('../features/dns/components/dns-answer-panel').then((m) => ({
    default: m.DnsAnswerPanel,
  })),
);
const ImportExportPanel = lazy(() =>
  import('../features/import-export/components/import-export-panel').then((m) => ({
    default: m.ImportExportPanel,
  })),
);

const UpstreamPanel = lazy(() =>
  import('../features/upstream/components/upstream-panel').then((m) => ({
    default: m.UpstreamPanel,
  })),
);

const ReviewPanel = lazy(() =>
  import('../features/review/components/review-panel').then((m) => ({ default: m.ReviewPanel })),
);
const ZoneSettingsControl = lazy(() =>
  import('../features/zones/components/zone-settings-control').then((m) => ({
    default: m.ZoneSettingsControl,
  })),
);
const CompareMaps = lazy(() => import('./compare-maps').then((m) => ({ default: m.CompareMaps })));
const HealthChecksPanel = lazy(() =>
  import('../features/health/components/health-checks-panel').then((m) => ({
    default: m.HealthChecksPanel,
  })),
);
const RttChartPanel = lazy(() =>
  import('../features/measurements/components/rtt-chart').then((m) => ({
    default: m.RttChartPanel,
  })),
);
const MeasurementsPanel = lazy(() =>
  import('../features/measurements/components/measurements-panel').then((m) => ({
    default: m.MeasurementsPanel,
  })),
);
const HistoryPanel = lazy(() =>
  import('../features/history/components/history-panel').then((m) => ({
    default: m.HistoryPanel,
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
  /** The signed-in operator (role null: not signed in). */
  viewer: Viewer;
  /** The zone's setting: apply only what someone other than the author approved. */
  requireApproval: boolean;
  /** The zone's routing model and measurement window (undefined while loading). */
  routingModel: 'distance' | 'measured' | undefined;
  windowDays: number | undefined;
  /** Proposals waiting for a decision (undefined while loading). */
  pendingCount: number | undefined;
  proposalId: string | null;
  selectProposal: (pid: string, opts?: { replace?: boolean }) => void;
  reviewStatus: string | null;
  setReviewStatus: (status: string | null) => void;
  /** Live health per health check id, for the records table. */
  healthOf: (healthCheckId: string) => RecordHealth | undefined;
  /** Unhealthy checks this zone's records use (undefined while loading). */
  unhealthyCount: number | undefined;
  /** Health outages to show between the batches in History. */
  healthTimeline: readonly TimelineItem[];
  /** Show a record set a health check is used by. */
  showHealthReference: (ref: HealthCheckReference) => void;
}

export interface AppTab {
  id: string;
  label: string;
  /** Small count after the label (e.g. pending proposals). */
  badge?: (ctx: TabContext) => ReactNode;
  render: (ctx: TabContext) => ReactNode;
}

function asStatus(s: string | null): ProposalStatus | null {
  return (PROPOSAL_STATUSES as readonly string[]).includes(s ?? '') ? (s as ProposalStatus) : null;
}

/**
 * The tabs under the map, in order. Data, not markup: a feature adds its view by adding an entry.
 */
export const APP_TABS: readonly AppTab[] = [
  {
    id: 'records',
    label: 'Records',
    badge: (ctx) => ctx.records.data?.length.toLocaleString(),
    render: (ctx) => (
      <RecordsPanel
        zoneId={ctx.zone.id}
        zoneName={ctx.zone.name}
        records={ctx.records.data}
        loading={ctx.records.isPending}
        error={ctx.records.error}
        onRetry={() => void ctx.records.refetch()}
        selected={ctx.selected}
        requireApproval={ctx.requireApproval}
        onSelectRecord={ctx.selectRecord}
        onCreate={ctx.openCreate}
        onEdit={ctx.openEdit}
        onImport={() => ctx.selectTab('import-export')}
        onProposed={(pid) => ctx.selectProposal(pid)}
        healthOf={ctx.healthOf}
      />
    ),
  },
  {
    id: 'health',
    label: 'Health checks',
    badge: (ctx) =>
      ctx.unhealthyCount ? (
        <span className="tab-badge-danger" title="Unhealthy checks used by this zone">
          {ctx.unhealthyCount} down
        </span>
      ) : undefined,
    render: (ctx) => (
      <Lazy>
        <HealthChecksPanel
          zoneId={ctx.zone.id}
          permission={canEditHealthChecks(ctx.viewer)}
          onSelectRecord={ctx.showHealthReference}
        />
      </Lazy>
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
            renderBelow={({ query, routing }) => {
              const place =
                query.city !== undefined
                  ? { city: query.city }
                  : query.lat !== undefined && query.lon !== undefined
                    ? { lat: query.lat, lon: query.lon }
                    : null;
              if (!place || routing.candidates.length === 0) return null;
              return (
                <Suspense fallback={<Skeleton rows={3} label="Loading the chart" />}>
                  <RttChartPanel
                    key={JSON.stringify(place)}
                    place={place}
                    placeLabel={routing.client.label}
                    regions={[...new Set(routing.candidates.map((c) => c.region))]}
                    initialRegion={routing.chosen?.region ?? null}
                  />
                </Suspense>
              );
            }}
            renderBeside={({ query, engine }) =>
              ctx.selected && (
                <Suspense fallback={<Skeleton rows={3} label="Loading the DNS answer" />}>
                  <DnsAnswerPanel
                    zoneId={ctx.zone.id}
                    recordName={displayName(ctx.selected.name)}
                    recordType={ctx.selected.type}
                    client={dnsClientForPreview(query)}
                    engine={engine}
                    simulatedFailures={Boolean(query.unhealthy?.length)}
                  />
                </Suspense>
              )
            }
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
          requireApproval={ctx.requireApproval}
          onApplied={() => ctx.selectTab('records')}
          onProposed={(pid) => ctx.selectProposal(pid)}
        />
      </Lazy>
    ),
  },
  {
    id: 'upstream',
    label: 'Upstream',
    render: (ctx) => (
      <Lazy>
        <UpstreamPanel
          zoneId={ctx.zone.id}
          zoneName={ctx.zone.name}
          records={ctx.records.data}
          viewer={ctx.viewer}
          propose={canPropose(ctx.viewer)}
          onProposed={(pid) => ctx.selectProposal(pid)}
          onImported={() => ctx.selectTab('records')}
        />
      </Lazy>
    ),
  },
  {
    id: 'measurements',
    label: 'Measurements',
    render: (ctx) => (
      <Lazy>
        <MeasurementsPanel
          permission={canPostMeasurements(ctx.viewer)}
          routingModel={ctx.routingModel}
          windowDays={ctx.windowDays}
        />
      </Lazy>
    ),
  },
  {
    id: 'review',
    label: 'Review',
    badge: (ctx) => (ctx.pendingCount ? ctx.pendingCount : undefined),
    render: (ctx) => (
      <Lazy>
        <ReviewPanel
          zoneId={ctx.zone.id}
          zoneName={ctx.zone.name}
          records={ctx.records.data}
          viewer={ctx.viewer}
          proposalId={ctx.proposalId}
          onSelectProposal={ctx.selectProposal}
          status={asStatus(ctx.reviewStatus)}
          onStatusChange={ctx.setReviewStatus}
          settings={
            <Suspense fallback={null}>
              <ZoneSettingsControl
                zoneId={ctx.zone.id}
                zoneName={ctx.zone.name}
                permission={canChangeSettings(ctx.viewer)}
              />
            </Suspense>
          }
          renderCompare={(args) => (
            <Suspense fallback={<Skeleton rows={4} label="Loading maps" />}>
              <CompareMaps {...args} />
            </Suspense>
          )}
        />
      </Lazy>
    ),
  },
  {
    id: 'history',
    label: 'History',
    render: (ctx) => (
      <Lazy>
        <HistoryPanel
          zoneId={ctx.zone.id}
          zoneName={ctx.zone.name}
          viewer={ctx.viewer}
          onProposed={(pid) => ctx.selectProposal(pid)}
          timeline={ctx.healthTimeline}
        />
      </Lazy>
    ),
  },
];

export const DEFAULT_TAB = 'records';
