import type { ReactNode } from 'react';

/**
 * A form field's error messages and help text, with the ids that the field's
 * `aria-describedby` points at (`<f>-error`, `<f>-help`, made unique by `id`).
 */
export function FieldMessages({
  f,
  id,
  errors,
  help,
}: {
  f: string;
  id: (f: string) => string;
  errors: string[];
  help?: ReactNode;
}) {
  return (
    <>
      {errors.length > 0 && (
        <div id={id(`${f}-error`)} className="field-error">
          {errors.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </div>
      )}
      {help && (
        <p id={id(`${f}-help`)} className="field-help">
          {help}
        </p>
      )}
    </>
  );
}
