import { canPropose, canWriteDirectly, type Viewer } from '../../../lib/permissions';

/**
 * How record edits are saved for this operator and zone:
 * - `read-only`: no token, or a viewer's: no edit controls at all;
 * - `direct`: each save goes live at once (the zone needs no approval, or the operator is an
 *   admin); `propose` switches to drafts on request;
 * - `draft`: edits collect in a draft that becomes a proposal; `forced` when the zone requires
 *   approval and the operator may not write directly.
 */
export type SaveMode =
  | { kind: 'read-only'; reason: string }
  | { kind: 'direct' }
  | { kind: 'draft'; forced: boolean; reason: string | null };

export function saveModeFor(viewer: Viewer, requireApproval: boolean, propose: boolean): SaveMode {
  const proposing = canPropose(viewer);
  if (!proposing.allowed) return { kind: 'read-only', reason: proposing.reason };
  const direct = canWriteDirectly(viewer, requireApproval);
  if (!direct.allowed) return { kind: 'draft', forced: true, reason: direct.reason };
  return propose ? { kind: 'draft', forced: false, reason: null } : { kind: 'direct' };
}
