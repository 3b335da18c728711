import { useId } from 'react';
import { useToast } from '../../../components/toast';
import { errorMessage } from '../../../lib/api-client';
import type { Permission } from '../../../lib/permissions';
import { useUpdateZoneSettings, useZoneSettings } from '../api/zone-settings';

/**
 * The zone's review policy: "Require approval by someone other than the author". Everyone sees
 * it; only an admin can change it (the switch says why when it is disabled).
 */
export function ZoneSettingsControl({
  zoneId,
  zoneName,
  permission,
}: {
  zoneId: string;
  zoneName: string;
  permission: Permission;
}) {
  const id = useId();
  const helpId = useId();
  const settings = useZoneSettings(zoneId);
  const update = useUpdateZoneSettings(zoneId);
  const toast = useToast();
  const checked = update.isPending
    ? (update.variables?.requireApproval ?? false)
    : (settings.data?.requireApproval ?? false);
  const reason = permission.allowed ? undefined : permission.reason;
  return (
    <div className="zone-settings" title={reason}>
      <label className="checkbox" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={checked}
          disabled={!permission.allowed || settings.isPending || update.isPending}
          aria-describedby={helpId}
          onChange={(e) => {
            const requireApproval = e.target.checked;
            update.mutate(
              { requireApproval },
              {
                onSuccess: () =>
                  toast.show(
                    requireApproval
                      ? `${zoneName} now requires approval by someone other than the author`
                      : `${zoneName} no longer requires approval`,
                    'success',
                  ),
                onError: (err) =>
                  toast.show(`Could not change the setting: ${errorMessage(err)}`, 'error'),
              },
            );
          }}
        />
        Require approval by someone other than the author
      </label>
      <span id={helpId} className="field-help zone-settings-help">
        {permission.allowed ? 'Admins can still apply directly.' : 'Only an admin can change this.'}
      </span>
    </div>
  );
}
