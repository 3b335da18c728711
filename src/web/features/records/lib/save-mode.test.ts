import { describe, expect, it } from 'vitest';
import { saveModeFor } from './save-mode';

describe('save mode', () => {
  it.each([
    // role, requireApproval, propose toggle → mode
    [null, false, false, 'read-only'],
    ['viewer', false, true, 'read-only'],
    ['editor', false, false, 'direct'],
    ['editor', false, true, 'draft'],
    ['editor', true, false, 'draft'],
    ['approver', true, false, 'draft'],
    ['admin', true, false, 'direct'],
    ['admin', true, true, 'draft'],
  ] as const)('%s, approval %s, propose %s → %s', (role, approval, propose, kind) => {
    const mode = saveModeFor({ name: role ? 'x' : null, role }, approval, propose);
    expect(mode.kind).toBe(kind);
  });

  it('forces drafts (and says why) where approval is required', () => {
    const mode = saveModeFor({ name: 'alice', role: 'editor' }, true, false);
    expect(mode).toEqual({
      kind: 'draft',
      forced: true,
      reason: expect.stringContaining('requires approval'),
    });
    const ro = saveModeFor({ name: 'vera', role: 'viewer' }, false, false);
    expect(ro).toEqual({ kind: 'read-only', reason: expect.stringContaining('editor') });
  });
});
