import { roleAtLeast } from '../../../../shared/auth';
import type { Permission, Viewer } from '../../../lib/permissions';

/** Connect, disconnect, import and push take an admin (the server's rule, mirrored). */
export function canManageUpstream(viewer: Viewer, what: string): Permission {
  if (viewer.role === null)
    return { allowed: false, reason: `Sign in with an API token to ${what}` };
  if (!roleAtLeast(viewer.role, 'admin'))
    return {
      allowed: false,
      reason: `Your token (${viewer.name ?? 'signed in'}, ${viewer.role}) cannot ${what}: it takes an admin`,
    };
  return { allowed: true };
}
