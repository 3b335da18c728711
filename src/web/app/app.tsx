import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { displayName, normalizeName } from '../../engine/names';
import type { ResourceRecordSet } from '../../engine/types';
import type { ComboboxOption } from '../components/combobox';
import { EmptyState, ErrorState, Skeleton } from '../components/states';
import { Tabs } from '../components/tabs';
import { useHealthChecks, useHealthTransitions } from '../features/health/api/health-checks';
import { useZoneEvents } from '../features/health/api/use-zone-events';
import { HealthBadge } from '../features/health/components/health-badge';
import { healthView, targetText } from '../features/health/lib/health-view';
import { pairOutages } from '../features/health/lib/outages';
import { useHealthAnnouncement } from '../features/health/lib/use-health-announcement';
import { useNow } from '../features/health/lib/use-now';
import { withFailures } from '../features/health/lib/with-failures';
import type { TimelineItem } from '../features/history/lib/timeline';
import { useTestDnsAnswer } from '../features/preview/api/get-test-dns-answer';
import { useRecordSets } from '../features/records/api/get-record-sets';
import { RecordNameList } from '../features/records/components/record-name-list';
import type { RecordFormValues } from '../features/records/lib/record-form-model';
import { groupRecordSets, latencySetsOf } from '../features/records/lib/record-groups';
import { usePendingProposalCount } from '../features/review/api/get-proposals';
import { useZones } from '../features/zones/api/get-zones';
import { useZoneSettings } from '../features/zones/api/zone-settings';
import { canCreateZone, canPropose } from '../lib/permissions';
import { type Session, useSession } from '../lib/use-session';
import { AppFooter, AppHeader } from './app-chrome';
import { APP_TABS, DEFAULT_TAB, type TabContext } from './app-tabs';
import { MapSection } from './map-section';
import type { ReplayModels } from './measured-replay';
import { hasPreviewQuery, useAppLocation } from './use-app-location';

// History's outage entries and their catchment-as-it-was maps (the rollback engine): on demand.
const OutageTimelineEntry = lazy(() =>
  import('./outage-catchment').then((m) => ({ default: m.OutageTimelineEntry })),
);
// The what-if view loads the impact engine and the cities table: only when it is opened.
const WhatIfPanel = lazy(() =>
  import('../features/health/components/what-if-panel').then((m) => ({ default: m.WhatIfPanel })),
);

// The measured-latency time slider (and the engine's measured model): for zones that use it.
const MeasuredReplay = lazy(() =>
  import('./measured-replay').then((m) => ({ default: m.MeasuredReplay })),
);

// The sign-in dialog loads when first asked for.
const SignInDialog = lazy(() =>
  import('../features/auth/components/sign-in-dialog').then((m) => ({ default: m.SignInDialog })),
);

// The form (engine validation, region picker) loads when first opened.
const RecordFormDialog = lazy(() =>
  import('../features/records/components/record-form-dialog').then((m) => ({
    default: m.RecordFormDialog,
  })),
);

type FormState = {
  original: ResourceRecordSet | null;
  defaults?: Partial<RecordFormValues>;
} | null;

const CATCHMENT_KEY = 'latency-atlas.catchment';

function safeNormalize(name: string): string | null {
  try {
    return normalizeName(name);
  } catch {
    return null;
  }
}

/** The console: zone → names → map → tabs, all addressed by the URL. */
export function App() {
  const {
    location,
    selectZone,
    selectName,
    selectTab,
    setPreview,
    selectProposal,
    setReviewStatus,
  } = useAppLocation();
  const zones = useZones();
  const session = useSession();
  const [form, setForm] = useState<FormState>(null);
  const [catchment, setCatchment] = useState(() => localStorage.getItem(CATCHMENT_KEY) !== 'off');

  const zone = useMemo(() => {
    const list = zones.data ?? [];
    if (location.zoneId) return list.find((z) => z.id === location.zoneId) ?? null;
    return list.find((z) => z.name === 'example.com') ?? list[0] ?? null;
  }, [zones.data, location.zoneId]);

  // Default zone goes into the URL (replace: it is not a step the operator took).
  useEffect(() => {
    if (!location.zoneId && zone) selectZone(zone.id, { replace: true });
  }, [location.zoneId, zone, selectZone]);

  const records = useRecordSets(zone?.id ?? null);
  const settings = useZoneSettings(zone?.id ?? null);
  const requireApproval = settings.data?.requireApproval ?? false;
  const routingModel = settings.data?.routingModel;
  const windowDays = settings.data?.measurementWindowDays ?? 7;
  const [replay, setReplay] = useState<ReplayModels | null>(null);
  const pendingCount = usePendingProposalCount(zone?.id ?? null);
  const mayEdit = canPropose(session.viewer).allowed;
  const groups = useMemo(
    () => (records.data && zone ? groupRecordSets(records.data, zone.name) : []),
    [records.data, zone],
  );

  const selected = useMemo(() => {
    if (!location.name || !location.type) return null;
    const name = safeNormalize(location.name);
    return name ? { name, type: location.type.toUpperCase() } : null;
  }, [location.name, location.type]);

  // No name in the URL: select the first latency name (or the first name) once records arrive.
  useEffect(() => {
    if (selected || !groups.length) return;
    const first = groups.find((g) => g.latencyCount > 0) ?? groups[0];
    if (first) selectName(displayName(first.name), first.type, { replace: true });
  }, [selected, groups, selectName]);

  const latencySets = useMemo(
    () =>
      records.data && selected ? latencySetsOf(records.data, selected.name, selected.type) : [],
    [records.data, selected],
  );

  const previewing = hasPreviewQuery(location.preview);
  const answer = useTestDnsAnswer(
    zone?.id ?? '',
    selected && latencySets.length ? displayName(selected.name) : '',
    selected?.type ?? '',
    location.preview,
    // The preview answers for the time the map replays.
    routingModel === 'measured' ? (replay?.at ?? null) : null,
  );
  const routing = answer.data?.Routing;

  // Live health: pushed by the zone's event stream, which refreshes these queries.
  const stream = useZoneEvents(zone?.id ?? null);
  const healthChecks = useHealthChecks(stream);
  const transitions = useHealthTransitions(zone?.id ?? '', stream);
  const now = useNow(15_000);
  const healthById = useMemo(
    () => new Map((healthChecks.data ?? []).map((e) => [e.id, e])),
    [healthChecks.data],
  );
  const failed = useMemo(() => location.preview.unhealthy ?? [], [location.preview.unhealthy]);
  /** The real status by SetIdentifier: the health check's, else what the answer saw. */
  const realHealth = useMemo(() => {
    const out: Record<string, boolean> = {};
    for (const r of latencySets) {
      const id = r.SetIdentifier ?? '';
      const entry = r.HealthCheckId ? healthById.get(r.HealthCheckId) : undefined;
      if (entry) out[id] = entry.healthy;
      else {
        const c = routing?.candidates.find((x) => x.setIdentifier === id);
        if (c && !failed.includes(id)) out[id] = c.healthy;
      }
    }
    return out;
  }, [latencySets, healthById, routing, failed]);
  const health = useMemo(
    () => (failed.length ? withFailures(realHealth, failed) : realHealth),
    [realHealth, failed],
  );
  const healthNews = useHealthAnnouncement(
    // A new name, or health data arriving, is not news: only changes while watching are.
    selected && healthChecks.data ? `${selected.name}|${selected.type}|${latencySets.length}` : '',
    latencySets,
    realHealth,
  );
  const [whatIfOpen, setWhatIfOpen] = useState(false);
  const showWhatIf = (whatIfOpen || failed.length > 0) && latencySets.length > 0;
  const setFailed = useCallback(
    (list: string[]) =>
      setPreview(
        { ...location.preview, unhealthy: list.length ? list : undefined },
        { replace: true },
      ),
    [setPreview, location.preview],
  );

  const healthOf = useCallback(
    (id: string) => {
      const entry = healthById.get(id);
      if (!entry) return undefined;
      const view = healthView(entry.Status, now);
      return { node: <HealthBadge view={view} detail />, text: `${view.label} ${view.tone}` };
    },
    [healthById, now],
  );
  const healthCheckOptions = useMemo<ComboboxOption[]>(
    () =>
      (healthChecks.data ?? []).flatMap((e) =>
        e.HealthCheck
          ? [
              {
                value: e.id,
                label: e.HealthCheck.Name,
                detail: `${e.HealthCheck.HealthCheckConfig.Type} ${targetText(e.HealthCheck.HealthCheckConfig)} · ${healthView(e.Status, now).label}`,
                keywords: e.id,
              },
            ]
          : [],
      ),
    [healthChecks.data, now],
  );
  const unhealthyCount = useMemo(() => {
    if (!healthChecks.data || !zone) return undefined;
    return healthChecks.data.filter(
      (e) => !e.healthy && e.records.some((r) => r.zoneId === zone.id),
    ).length;
  }, [healthChecks.data, zone]);

  // The tab title says what this window shows, for operators with several open.
  useEffect(() => {
    const parts = [
      selected ? `${displayName(selected.name)} ${selected.type}` : null,
      zone?.name,
      'latency-atlas',
    ];
    document.title = parts.filter(Boolean).join(' · ');
  }, [selected, zone?.name]);

  const tab = APP_TABS.some((t) => t.id === location.tab) ? (location.tab as string) : DEFAULT_TAB;

  const selectRecord = useCallback(
    (r: ResourceRecordSet) => selectName(displayName(r.Name), r.Type),
    [selectName],
  );
  const openEdit = useCallback(
    (r: ResourceRecordSet) => {
      if (mayEdit) setForm({ original: r });
    },
    [mayEdit],
  );
  const openCreate = useCallback(() => {
    const rel =
      selected && zone && latencySets.length
        ? displayName(selected.name).replace(
            new RegExp(`\\.?${zone.name.replace(/\./g, '\\.')}$`),
            '',
          )
        : '';
    setForm({
      original: null,
      defaults:
        selected && latencySets.length ? { name: rel || '@', type: selected.type } : undefined,
    });
  }, [selected, zone, latencySets.length]);

  // Signing out (or a revoked token) closes an open form: it could not be saved anyway.
  useEffect(() => {
    if (!mayEdit) setForm(null);
  }, [mayEdit]);

  if (zones.isPending) {
    return (
      <Shell
        session={session}
        zones={undefined}
        zonesLoading
        zoneId={null}
        onSelectZone={selectZone}
      >
        <div className="app-loading">
          <Skeleton rows={10} label="Loading zones" />
        </div>
      </Shell>
    );
  }
  if (zones.error) {
    return (
      <Shell
        session={session}
        zones={undefined}
        zonesLoading={false}
        zoneId={null}
        onSelectZone={selectZone}
      >
        <div className="app-loading">
          <ErrorState
            title="Could not load the hosted zones"
            error={zones.error}
            onRetry={() => void zones.refetch()}
          />
        </div>
      </Shell>
    );
  }
  if (!zone) {
    const missing = location.zoneId;
    const first = zones.data[0];
    return (
      <Shell
        session={session}
        zones={zones.data}
        zonesLoading={false}
        zoneId={null}
        onSelectZone={selectZone}
      >
        <div className="app-loading">
          <EmptyState
            title={missing ? `Zone ${missing} does not exist` : 'No hosted zones yet'}
            actions={
              first && (
                <button type="button" className="button" onClick={() => selectZone(first.id)}>
                  Open {first.name}
                </button>
              )
            }
          >
            {missing
              ? 'It may have been deleted. Pick another zone above.'
              : 'Create one with “New zone” above, then add latency records or import a Route 53 listing.'}
          </EmptyState>
        </div>
      </Shell>
    );
  }

  const nowIso = new Date(now).toISOString();
  const healthTimeline: TimelineItem[] = pairOutages(transitions.data ?? []).map((o) => ({
    key: `health|${o.key}`,
    at: o.at,
    node: (
      <Suspense fallback={<Skeleton rows={1} label="Loading the outage" />}>
        <OutageTimelineEntry zoneId={zone.id} outage={o} records={records.data} nowIso={nowIso} />
      </Suspense>
    ),
  }));

  const ctx: TabContext = {
    zone,
    records,
    selected,
    preview: location.preview,
    setPreview: (q) => setPreview(q, { replace: true }),
    selectRecord,
    selectTab: (id) => selectTab(id),
    openCreate,
    openEdit,
    viewer: session.viewer,
    requireApproval,
    routingModel,
    windowDays: settings.data?.measurementWindowDays,
    pendingCount,
    proposalId: location.proposal,
    selectProposal,
    reviewStatus: location.reviewStatus,
    setReviewStatus,
    healthOf,
    unhealthyCount,
    healthTimeline,
    showHealthReference: (ref) => {
      if (ref.zoneId !== zone.id) {
        selectZone(ref.zoneId);
        return;
      }
      selectName(displayName(ref.name), ref.type);
      selectTab('records');
    },
  };
  const activeTab = APP_TABS.find((t) => t.id === tab) ?? APP_TABS[0];

  return (
    <Shell
      session={session}
      zones={zones.data}
      zonesLoading={false}
      zoneId={zone.id}
      onSelectZone={selectZone}
    >
      <div className="app-body">
        <aside className="app-sidebar">
          <h2 className="sidebar-title">
            Names <span className="muted">{records.data ? groups.length : ''}</span>
          </h2>
          {records.isPending ? (
            <Skeleton rows={6} label="Loading names" />
          ) : records.error ? (
            <p className="muted">Names unavailable.</p>
          ) : groups.length ? (
            <RecordNameList
              groups={groups}
              selected={selected}
              onSelect={(g, how) => selectName(displayName(g.name), g.type, how)}
            />
          ) : (
            <p className="muted sidebar-empty">No names yet.</p>
          )}
        </aside>
        <main className="app-main">
          <MapSection
            selected={selected}
            records={latencySets}
            health={health}
            client={previewing && routing ? routing.client : null}
            chosenRegion={previewing ? (routing?.chosen?.region ?? null) : null}
            catchment={catchment}
            onCatchmentChange={(on) => {
              setCatchment(on);
              localStorage.setItem(CATCHMENT_KEY, on ? 'on' : 'off');
            }}
            onMapClick={(p) =>
              setPreview(
                { lat: Math.round(p.lat * 1e4) / 1e4, lon: Math.round(p.lon * 1e4) / 1e4 },
                { tab: 'preview' },
              )
            }
            onRecordClick={(r) => {
              if (showWhatIf) {
                const id = r.SetIdentifier ?? '';
                setFailed(failed.includes(id) ? failed.filter((f) => f !== id) : [...failed, id]);
                return;
              }
              selectTab('records');
              openEdit(r);
            }}
            baseline={
              showWhatIf && failed.length
                ? { records: latencySets, health: realHealth }
                : routingModel === 'measured' && replay?.compare && replay.baseline
                  ? { records: latencySets, health }
                  : null
            }
            latencyModel={routingModel === 'measured' ? (replay?.model ?? null) : null}
            baselineModel={
              showWhatIf && failed.length
                ? undefined
                : routingModel === 'measured' && replay?.compare
                  ? replay.baseline
                  : undefined
            }
            replayAt={routingModel === 'measured' ? (replay?.at ?? null) : null}
            replayReady={routingModel !== 'measured' || (replay?.ready ?? false)}
            toolbar={
              catchment &&
              latencySets.length > 0 &&
              settings.data && (
                <Suspense fallback={null}>
                  <MeasuredReplay
                    key={zone.id}
                    zoneId={zone.id}
                    routingModel={routingModel}
                    windowDays={windowDays}
                    onModels={setReplay}
                  />
                </Suspense>
              )
            }
            simulated={failed}
            captionActions={
              latencySets.length > 0 && (
                <button
                  type="button"
                  className="button button-small"
                  aria-pressed={showWhatIf}
                  title="Pick regions to fail and see who would move"
                  onClick={() => {
                    if (showWhatIf) {
                      setWhatIfOpen(false);
                      setFailed([]);
                    } else setWhatIfOpen(true);
                  }}
                >
                  What if…
                </button>
              )
            }
          />
          <span className="visually-hidden" aria-live="polite" data-testid="health-news">
            {healthNews}
          </span>
          {showWhatIf && (
            <Suspense fallback={null}>
              <WhatIfPanel
                records={latencySets}
                real={realHealth}
                statusOf={(r) => {
                  const e = r.HealthCheckId ? healthById.get(r.HealthCheckId) : undefined;
                  return e ? healthView(e.Status, now) : undefined;
                }}
                failed={failed}
                onChange={setFailed}
                onClose={() => {
                  setWhatIfOpen(false);
                  setFailed([]);
                }}
              />
            </Suspense>
          )}
          <div id="main-tabs" className="main-tabs">
            <Tabs
              label="Zone views"
              idPrefix="main"
              tabs={APP_TABS.map((t) => ({
                id: t.id,
                label: t.label,
                badge: t.badge?.(ctx),
              }))}
              selected={tab}
              onSelect={(id) => selectTab(id)}
            >
              {activeTab?.render(ctx)}
            </Tabs>
          </div>
        </main>
      </div>
      {form && records.data && (
        <Suspense fallback={null}>
          <RecordFormDialog
            key={
              form.original
                ? `${form.original.Name}|${form.original.Type}|${form.original.SetIdentifier}`
                : 'new'
            }
            zoneId={zone.id}
            zoneName={zone.name}
            records={records.data}
            requireApproval={requireApproval}
            original={form.original}
            defaults={form.defaults}
            onClose={() => setForm(null)}
            onSaved={selectRecord}
            healthCheckOptions={healthChecks.data ? healthCheckOptions : undefined}
          />
        </Suspense>
      )}
    </Shell>
  );
}

/**
 * The catchment of the outage's name healthy and while its check was down, drawn from the
 * records the zone had when it went down (today's with every later batch undone).
 */
function Shell({
  session,
  zones,
  zonesLoading,
  zoneId,
  onSelectZone,
  children,
}: {
  session: Session;
  zones: Parameters<typeof AppHeader>[0]['zones'];
  zonesLoading: boolean;
  zoneId: string | null;
  onSelectZone: (id: string) => void;
  children: React.ReactNode;
}) {
  return (
    <div className="app">
      <AppHeader
        zones={zones}
        loading={zonesLoading}
        zoneId={zoneId}
        onSelectZone={onSelectZone}
        session={session}
        createZone={canCreateZone(session.viewer)}
      />
      {children}
      <AppFooter zoneId={zoneId} />
      {session.request !== null && (
        <Suspense fallback={null}>
          <SignInDialog
            open
            reason={session.request.reason}
            onClose={session.closeSignIn}
            onSignedIn={session.signIn}
          />
        </Suspense>
      )}
    </div>
  );
}
