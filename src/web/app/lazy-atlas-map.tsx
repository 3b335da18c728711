import { type ComponentProps, lazy, Suspense } from 'react';
import { ErrorBoundary } from '../components/error-boundary';

/**
 * maplibre (~290 KB gzip) lives in its own chunk so the first screen does not wait for it.
 * main.tsx calls loadAtlasMap() at start-up, so the chunk downloads and parses while the
 * zones and records are fetched instead of after them.
 */
export const loadAtlasMap = () => import('../features/map/components/atlas-map');

const AtlasMap = lazy(loadAtlasMap);

/** The lazily loaded map with its loading placeholder and a retry when it fails to start. */
export function LazyAtlasMap(props: ComponentProps<typeof AtlasMap>) {
  return (
    <ErrorBoundary
      fallback={(error, retry) => (
        <div className="map-placeholder" role="alert">
          <p>The map could not start: {error.message}</p>
          <button type="button" className="button" onClick={retry}>
            Retry
          </button>
        </div>
      )}
    >
      <Suspense
        fallback={
          <div className="map-placeholder" role="status">
            Loading map…
          </div>
        }
      >
        <AtlasMap {...props} />
      </Suspense>
    </ErrorBoundary>
  );
}
