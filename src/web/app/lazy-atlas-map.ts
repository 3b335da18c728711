import { lazy } from 'react';

/**
 * maplibre (~290 KB gzip) lives in its own chunk so the first screen does not wait for it.
 * main.tsx calls loadAtlasMap() at start-up, so the chunk downloads and parses while the
 * zones and records are fetched instead of after them.
 */
export const loadAtlasMap = () => import('../features/map/components/atlas-map');

export const AtlasMap = lazy(loadAtlasMap);
