// PLACEHOLDER owned by the map/preview helper, who replaces this file. Keeps the shell compiling.
import type { Region, ResourceRecordSet } from '../../../../engine/types';

export interface AtlasMapProps {
  regions: Region[];
  records: ResourceRecordSet[];
  health?: Record<string, boolean>;
  client?: { lat: number; lon: number; label: string } | null;
  chosenRegion?: string | null;
  catchment: boolean;
  onMapClick?: (p: { lat: number; lon: number }) => void;
  onRecordClick?: (r: ResourceRecordSet) => void;
}

export default function AtlasMap({ records, chosenRegion }: AtlasMapProps) {
  return (
    <div className="map-placeholder" role="img" aria-label="Map (not built yet)">
      {records.length} latency records{chosenRegion ? `, chosen ${chosenRegion}` : ''}
    </div>
  );
}
