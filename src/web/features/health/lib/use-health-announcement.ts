import { useEffect, useRef, useState } from 'react';
import type { ResourceRecordSet } from '../../../../engine/types';
import type { HealthBySet } from './with-failures';

/** What changed between two health maps of the same records, as a sentence (or null). */
export function healthChangeText(
  records: readonly ResourceRecordSet[],
  before: HealthBySet,
  after: HealthBySet,
): string | null {
  const parts: string[] = [];
  for (const r of records) {
    const id = r.SetIdentifier ?? '';
    const was = before[id] !== false;
    const now = after[id] !== false;
    if (was !== now) parts.push(`${r.Region ?? ''} ${id} is now ${now ? 'healthy' : 'unhealthy'}`);
  }
  return parts.length ? `${parts.join('; ')}.` : null;
}

/**
 * A sentence for a polite live region when a shown record's real status changes (pushed by the
 * server), so the change is announced, not only painted. Switching names says nothing.
 */
export function useHealthAnnouncement(
  nameKey: string,
  records: readonly ResourceRecordSet[],
  real: HealthBySet,
): string {
  const seen = useRef<{ nameKey: string; real: HealthBySet } | null>(null);
  const [text, setText] = useState('');
  useEffect(() => {
    const before = seen.current;
    seen.current = { nameKey, real };
    if (!before || before.nameKey !== nameKey) return;
    const change = healthChangeText(records, before.real, real);
    if (change) setText(change);
  }, [nameKey, records, real]);
  return text;
}
