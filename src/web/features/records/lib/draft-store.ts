import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { Change } from '../../../../engine/types';
import { useSession } from '../../../lib/use-session';
import { addToDraft, type DraftEntry } from './draft';
import { type SaveMode, saveModeFor } from './save-mode';

/**
 * Drafts per zone for this tab, kept in sessionStorage so a reload does not lose them. The
 * records table, its tray and the record form (rendered by the app) share them through here.
 */
interface ZoneDraft {
  entries: DraftEntry[];
  /** "Propose instead of apply" (when the zone would allow a direct save). */
  propose: boolean;
}

const EMPTY: ZoneDraft = { entries: [], propose: false };
const KEY = (zoneId: string) => `latency-atlas.draft.${zoneId}`;
const drafts = new Map<string, ZoneDraft>();
const listeners = new Set<() => void>();
let lastId = 0;

function load(zoneId: string): ZoneDraft {
  let d = drafts.get(zoneId);
  if (d) return d;
  d = EMPTY;
  try {
    const raw = sessionStorage.getItem(KEY(zoneId));
    if (raw) {
      const parsed = JSON.parse(raw) as Partial<ZoneDraft>;
      if (Array.isArray(parsed.entries)) {
        d = { entries: parsed.entries, propose: parsed.propose === true };
        for (const e of d.entries) lastId = Math.max(lastId, e.id);
      }
    }
  } catch {
    // A damaged draft is dropped.
  }
  drafts.set(zoneId, d);
  return d;
}

function save(zoneId: string, d: ZoneDraft): void {
  drafts.set(zoneId, d);
  try {
    if (d.entries.length || d.propose) sessionStorage.setItem(KEY(zoneId), JSON.stringify(d));
    else sessionStorage.removeItem(KEY(zoneId));
  } catch {
    // Storage full or refused: the draft lives in memory only.
  }
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export interface DraftApi {
  entries: DraftEntry[];
  propose: boolean;
  setPropose: (on: boolean) => void;
  add: (changes: readonly Change[]) => void;
  remove: (id: number) => void;
  clear: () => void;
}

export function useDraft(zoneId: string): DraftApi {
  const d = useSyncExternalStore(
    subscribe,
    () => load(zoneId),
    () => EMPTY,
  );
  const setPropose = useCallback(
    (on: boolean) => save(zoneId, { ...load(zoneId), propose: on }),
    [zoneId],
  );
  const add = useCallback(
    (changes: readonly Change[]) => {
      const cur = load(zoneId);
      save(zoneId, { ...cur, entries: addToDraft(cur.entries, changes, () => ++lastId) });
    },
    [zoneId],
  );
  const remove = useCallback(
    (id: number) => {
      const cur = load(zoneId);
      save(zoneId, { ...cur, entries: cur.entries.filter((e) => e.id !== id) });
    },
    [zoneId],
  );
  const clear = useCallback(() => save(zoneId, { ...load(zoneId), entries: [] }), [zoneId]);
  return useMemo(
    () => ({ entries: d.entries, propose: d.propose, setPropose, add, remove, clear }),
    [d, setPropose, add, remove, clear],
  );
}

/** How saves go for the signed-in operator in this zone (table, tray and form agree on it). */
export function useSaveMode(zoneId: string, requireApproval: boolean): SaveMode {
  const { viewer } = useSession();
  const { propose } = useDraft(zoneId);
  return saveModeFor(viewer, requireApproval, propose);
}
