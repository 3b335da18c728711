import { useEffect, useState } from 'react';

export interface CopyCommandProps {
  command: string;
  /** The button's accessible name, e.g. "Copy the dig command". */
  label?: string;
  className?: string;
  testId?: string;
}

/** A command line in monospace with a Copy button; "Copied" is announced to screen readers. */
export function CopyCommand({
  command,
  label = 'Copy the command',
  className,
  testId,
}: CopyCommandProps) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <div className={['copy-command', className].filter(Boolean).join(' ')}>
      <code data-testid={testId}>{command}</code>
      <button
        type="button"
        className="button button-small"
        aria-label={copied ? undefined : label}
        onClick={() => {
          void navigator.clipboard?.writeText(command).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
      <span className="visually-hidden" role="status">
        {copied ? 'Copied to the clipboard' : ''}
      </span>
    </div>
  );
}
