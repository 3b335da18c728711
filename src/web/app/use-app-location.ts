import { useCallback, useMemo } from 'react';
import {
  type PreviewQuery,
  previewQueryFromSearch,
  previewQueryToSearch,
} from '../features/preview/api/get-test-dns-answer';
import { navigate, useSearchParams } from '../lib/url-state';

/** The navigation state the URL holds, so a link restores the same view. */
export interface AppLocation {
  zoneId: string | null;
  /** Display form (`app.example.com`), or null. */
  name: string | null;
  type: string | null;
  tab: string | null;
  preview: PreviewQuery;
  /** The proposal open in Review. */
  proposal: string | null;
  /** Review's status filter (null: all). */
  reviewStatus: string | null;
}

const PREVIEW_KEYS = ['city', 'cityLabel', 'ip', 'subnet', 'resolver', 'lat', 'lon', 'fail'];

export function hasPreviewQuery(q: PreviewQuery): boolean {
  return Boolean(
    q.city || q.ip || q.subnet || q.resolver || (q.lat !== undefined && q.lon !== undefined),
  );
}

export function useAppLocation() {
  const params = useSearchParams();
  const location = useMemo<AppLocation>(
    () => ({
      zoneId: params.get('zone'),
      name: params.get('name'),
      type: params.get('type'),
      tab: params.get('tab'),
      preview: previewQueryFromSearch(params),
      proposal: params.get('proposal'),
      reviewStatus: params.get('status'),
    }),
    [params],
  );

  const selectZone = useCallback((zoneId: string, opts: { replace?: boolean } = {}) => {
    navigate((p) => {
      p.set('zone', zoneId);
      for (const k of ['name', 'type', 'proposal', 'status', ...PREVIEW_KEYS]) p.delete(k);
    }, opts);
  }, []);

  const selectName = useCallback((name: string, type: string, opts: { replace?: boolean } = {}) => {
    navigate((p) => {
      p.set('name', name);
      p.set('type', type);
    }, opts);
  }, []);

  const selectTab = useCallback((tab: string, opts: { replace?: boolean } = {}) => {
    navigate((p) => p.set('tab', tab), opts);
  }, []);

  const setPreview = useCallback(
    (q: PreviewQuery, opts: { replace?: boolean; tab?: string } = {}) => {
      navigate((p) => {
        previewQueryToSearch(q, p);
        if (opts.tab) p.set('tab', opts.tab);
      }, opts);
    },
    [],
  );

  /** Open a proposal in the Review tab. */
  const selectProposal = useCallback((pid: string, opts: { replace?: boolean } = {}) => {
    navigate((p) => {
      p.set('tab', 'review');
      p.set('proposal', pid);
    }, opts);
  }, []);

  const setReviewStatus = useCallback((status: string | null) => {
    navigate((p) => {
      if (status) p.set('status', status);
      else p.delete('status');
      p.delete('proposal');
    });
  }, []);

  return {
    location,
    selectZone,
    selectName,
    selectTab,
    setPreview,
    selectProposal,
    setReviewStatus,
  };
}
