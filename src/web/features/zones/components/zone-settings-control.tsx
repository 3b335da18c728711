import { useEffect, useId, useState } from 'react';
import { MAX_WINDOW_DAYS, type RoutingModel } from '../../../../shared/measurements';
import { useToast } from '../../../components/toast';
import { errorMessage } from '../../../lib/api-client';
import type { Permission } from '../../../lib/permissions';
import { useUpdateZoneSettings, useZoneSettings } from '../api/zone-settings';

/**
 * The zone's settings: the review policy ("Require approval by someone other than the author")
 * and the routing model (distance, or measured latency over a window of days). Everyone sees
 * them; only an admin can change them (the controls say why when they are disabled).
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
  const pendingApproval = update.isPending ? update.variables?.requireApproval : undefined;
  const checked = pendingApproval ?? settings.data?.requireApproval ?? false;
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
      <RoutingModelControl zoneId={zoneId} zoneName={zoneName} permission={permission} />
    </div>
  );
}

const MODEL_LABELS: Record<RoutingModel, string> = {
  distance: 'Distance',
  measured: 'Measured latency',
};

/** "Routing model": distance or measured, and the window of days measured latency counts. */
function RoutingModelControl({
  zoneId,
  zoneName,
  permission,
}: {
  zoneId: string;
  zoneName: string;
  permission: Permission;
}) {
  const name = useId();
  const windowId = useId();
  const helpId = useId();
  const settings = useZoneSettings(zoneId);
  const update = useUpdateZoneSettings(zoneId);
  const toast = useToast();
  const saved = settings.data;
  // Shown at once (a controlled radio would otherwise snap back until the mutation starts).
  const [picked, setPicked] = useState<RoutingModel | null>(null);
  const model = picked ?? saved?.routingModel ?? 'distance';
  const [windowText, setWindowText] = useState('');
  const [windowError, setWindowError] = useState<string | null>(null);
  useEffect(() => {
    if (saved) setWindowText(String(saved.measurementWindowDays));
  }, [saved]);
  const disabled = !permission.allowed || settings.isPending || update.isPending;

  function saveWindow() {
    if (!saved) return;
    const days = Number(windowText);
    if (!Number.isInteger(days) || days < 1 || days > MAX_WINDOW_DAYS) {
      setWindowError(`A whole number of days, 1–${MAX_WINDOW_DAYS}`);
      return;
    }
    setWindowError(null);
    if (days === saved.measurementWindowDays) return;
    update.mutate(
      { measurementWindowDays: days },
      {
        onSuccess: () =>
          toast.show(`${zoneName} now counts the last ${days} days of measurements`, 'success'),
        onError: (err) => {
          setWindowText(String(saved.measurementWindowDays));
          toast.show(`Could not change the window: ${errorMessage(err)}`, 'error');
        },
      },
    );
  }

  return (
    <fieldset className="zone-routing-model" aria-describedby={helpId} data-model={model}>
      <legend className="field-label">Routing model</legend>
      <div className="zone-routing-model-row">
        {(['distance', 'measured'] as const).map((m) => (
          <label key={m} className="checkbox">
            <input
              type="radio"
              name={name}
              value={m}
              checked={model === m}
              disabled={disabled}
              onChange={() => {
                setPicked(m);
                update.mutate(
                  { routingModel: m },
                  {
                    onSettled: () => setPicked(null),
                    onSuccess: () =>
                      toast.show(
                        m === 'measured'
                          ? `${zoneName} now routes by measured latency`
                          : `${zoneName} now routes by distance`,
                        'success',
                      ),
                    onError: (err) =>
                      toast.show(`Could not change the model: ${errorMessage(err)}`, 'error'),
                  },
                );
              }}
            />
            {MODEL_LABELS[m]}
          </label>
        ))}
        <label className="zone-routing-window" htmlFor={windowId}>
          Window
          <input
            id={windowId}
            className="input"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_WINDOW_DAYS}
            step={1}
            value={windowText}
            disabled={disabled || model !== 'measured'}
            aria-invalid={windowError ? true : undefined}
            onChange={(e) => setWindowText(e.target.value)}
            onBlur={saveWindow}
            onKeyDown={(e) => {
              if (e.key === 'Enter') saveWindow();
            }}
          />
          days
        </label>
      </div>
      {windowError && (
        <p className="field-error" role="alert">
          {windowError}
        </p>
      )}
      <span id={helpId} className="field-help zone-settings-help">
        {model === 'measured'
          ? 'Routes by the median RTT measured from each place over the window; places without enough samples learn from measured places nearby, else use distance.'
          : 'Routes by great-circle distance (Route 53’s model before measurements).'}
        {permission.allowed ? '' : ' Only an admin can change this.'}
      </span>
    </fieldset>
  );
}
