import type { Change, ResourceRecordSet } from '../../engine/types';
import { type Repository, ZoneExistsError } from './repository';

/** The demo layout issue 2 asks for: two latency names, TTL 60, documentation addresses. */
const DEMO_RECORDS: [name: string, setIdentifier: string, region: string, value: string][] = [
  ['app.example.com', 'oregon', 'us-west-2', '192.0.2.10'],
  ['app.example.com', 'singapore', 'ap-southeast-1', '192.0.2.20'],
  ['api.example.com', 'virginia', 'us-east-1', '198.51.100.10'],
  ['api.example.com', 'ireland', 'eu-west-1', '198.51.100.20'],
  ['api.example.com', 'frankfurt', 'eu-central-1', '198.51.100.30'],
  ['api.example.com', 'tokyo', 'ap-northeast-1', '198.51.100.40'],
  ['api.example.com', 'sydney', 'ap-southeast-2', '198.51.100.50'],
  ['api.example.com', 'sao-paulo', 'sa-east-1', '198.51.100.60'],
];

export const DEMO_ZONE_NAME = 'example.com';
export const DEMO_AUTHOR = 'demo-seed';

export interface SeedDemoOptions {
  /**
   * Name servers for the demo zone's apex NS, the same ones the API gives new zones
   * (registerZoneRoutes' `nameServers`); default ns1/ns2.example.com.
   */
  nameServers?: string[];
}

/**
 * Fills an empty database with the demo zone (its apex NS and SOA, then the demo records
 * through applyChangeBatch so they are validated and appear in history). Returns false (and
 * writes nothing) when any zone exists.
 */
export async function seedDemo(repo: Repository, opts: SeedDemoOptions = {}): Promise<boolean> {
  if ((await repo.listZones()).length > 0) return false;
  let zoneId: string;
  try {
    zoneId = (
      await repo.createZone(
        DEMO_ZONE_NAME,
        opts.nameServers !== undefined ? { nameServers: opts.nameServers } : {},
      )
    ).id;
  } catch (err) {
    if (err instanceof ZoneExistsError) return false; // another process seeded first
    throw err;
  }
  const changes: Change[] = DEMO_RECORDS.map(([Name, SetIdentifier, Region, Value]) => {
    const record: ResourceRecordSet = {
      Name,
      Type: 'A',
      SetIdentifier,
      Region,
      TTL: 60,
      ResourceRecords: [{ Value }],
    };
    return { Action: 'CREATE', ResourceRecordSet: record };
  });
  const result = await repo.applyChangeBatch(
    zoneId,
    { Comment: 'Demo data', Changes: changes },
    { author: DEMO_AUTHOR },
  );
  if (!result.ok) {
    await repo.deleteZone(zoneId, { force: true }); // leave the database empty, as found
    const details = result.errors.map((e) => `change ${e.change} ${e.field}: ${e.message}`);
    throw new Error(`the demo change batch was refused: ${details.join('; ')}`);
  }
  return true;
}
