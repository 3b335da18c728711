import { lazy, Suspense } from 'react';
import type { ZoneSummary } from '../../shared/zones';
import { SessionStatus } from '../features/auth/components/session-status';
import { useZoneSettings } from '../features/zones/api/zone-settings';
import { ZonePicker } from '../features/zones/components/zone-picker';
import type { Permission } from '../lib/permissions';
import { useTheme } from '../lib/theme';
import type { Session } from '../lib/use-session';

// The DNS pill (status, details, dig line) is not needed for the first paint.
const DnsEndpointIndicator = lazy(() =>
  import('../features/dns/components/dns-endpoint-indicator').then((m) => ({
    default: m.DnsEndpointIndicator,
  })),
);

export function AppHeader({
  zones,
  loading,
  zoneId,
  onSelectZone,
  session,
  createZone,
}: {
  zones: ZoneSummary[] | undefined;
  loading: boolean;
  zoneId: string | null;
  onSelectZone: (id: string) => void;
  session: Session;
  createZone: Permission;
}) {
  const { theme, toggle } = useTheme();
  return (
    <header className="app-header">
      <a className="skip-link" href="#main-tabs">
        Skip to records
      </a>
      <span className="brand">
        <svg viewBox="0 0 16 16" width="18" height="18" aria-hidden="true">
          <circle cx="8" cy="8" r="6.25" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path
            d="M1.75 8h12.5M8 1.75c2 2 2 10.5 0 12.5M8 1.75c-2 2-2 10.5 0 12.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="1"
          />
        </svg>
        latency-atlas
      </span>
      <ZonePicker
        zones={zones}
        loading={loading}
        zoneId={zoneId}
        onSelect={onSelectZone}
        createPermission={createZone}
      />
      <Suspense fallback={null}>
        <DnsEndpointIndicator
          zoneId={zoneId}
          zoneName={zones?.find((z) => z.id === zoneId)?.name ?? null}
        />
      </Suspense>
      <span className="toolbar-spacer" />
      <a className="header-link" href="/api/docs" target="_blank" rel="noreferrer">
        API docs
      </a>
      <SessionStatus session={session} />
      <button
        type="button"
        className="button button-quiet"
        onClick={toggle}
        aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
        title={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
      >
        {theme === 'dark' ? '☀ Light' : '☾ Dark'}
      </button>
    </header>
  );
}

export function AppFooter({ zoneId }: { zoneId: string | null }) {
  const routingModel = useZoneSettings(zoneId).data?.routingModel ?? 'distance';
  return (
    <footer className="app-footer">
      <span>
        Map data: <a href="https://www.naturalearthdata.com/">Natural Earth</a>
      </span>
      <span>
        <a href="https://db-ip.com">IP Geolocation by DB-IP</a>
      </span>
      <span>
        Cities: <a href="https://www.geonames.org/">GeoNames</a>
      </span>
      <span className="toolbar-spacer" />
      <span className="muted">
        {routingModel === 'measured'
          ? 'RTT figures are measured medians where measured, learned from nearby places, else estimated from distance.'
          : 'RTT figures are estimates from great-circle distance.'}
      </span>
    </footer>
  );
}
