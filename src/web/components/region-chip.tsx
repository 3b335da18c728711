import { regionColor, regionTextColor } from '../lib/region-colors';

/** A region code on its map colour, so tables read like the map's legend. */
export function RegionChip({ code }: { code: string | null }) {
  if (code === null) return <span className="region-chip region-chip-none">no answer</span>;
  return (
    <span
      className="region-chip"
      data-region={code}
      style={{ background: regionColor(code), color: regionTextColor(code) }}
    >
      {code}
    </span>
  );
}
