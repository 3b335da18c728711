import { useEffect, useState } from 'react';

/** The current time (ms), refreshed every `everyMs`, for "checked 2 min ago" texts. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
