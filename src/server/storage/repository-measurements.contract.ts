import { latLngToCell } from 'h3-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Repository, StoredMeasurement } from './repository';
import type { RepositoryHarness } from './repository.contract';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const LONDON = { lat: 51.5085, lon: -0.1257 };
const LONDON_CELL = latLngToCell(LONDON.lat, LONDON.lon, 5);

function sample(
  rttMs: number,
  at: number,
  over: Partial<StoredMeasurement> = {},
): StoredMeasurement {
  return {
    at,
    region: 'eu-west-1',
    rttMs,
    ...LONDON,
    cell: LONDON_CELL,
    network: null,
    source: 'contract',
    ...over,
  };
}

/** Raw samples, hour aggregates (read before and after compaction), retention, versions. */
export function describeMeasurementStorageContract(
  name: string,
  open: () => Promise<RepositoryHarness>,
): void {
  describe(`Repository contract (measurements): ${name}`, () => {
    let harness: RepositoryHarness;
    let repo: Repository;
    beforeEach(async () => {
      harness = await open();
      repo = harness.repo;
    });
    afterEach(async () => {
      await repo.close();
      await harness.cleanup();
    });

    it('aggregates an hour by cell × network × region, the same before and after compaction', async () => {
      const v0 = await repo.measurementsVersion();
      const rows = [
        ...[10, 20, 30, 40, 50].map((ms) => sample(ms, T0 + ms * 1000)),
        sample(12, T0 + 5, { network: '81.2.69.0/24' }),
        sample(14, T0 + 6, { network: '81.2.69.0/24' }),
        sample(90, T0 + 7, { region: 'us-east-1' }),
        sample(33, T0 + HOUR + 1),
      ];
      expect(await repo.insertMeasurements(rows)).toBe(rows.length);
      expect(await repo.measurementsVersion()).not.toBe(v0);
      const read = await repo.measurementAggregates({ from: T0, to: T0 + 2 * HOUR });
      expect(read).toEqual([
        {
          hour: T0,
          cell: LONDON_CELL,
          region: 'eu-west-1',
          samples: 5,
          medianMs: 30,
          p25Ms: 20,
          p75Ms: 40,
        },
        {
          hour: T0,
          cell: LONDON_CELL,
          region: 'us-east-1',
          samples: 1,
          medianMs: 90,
          p25Ms: 90,
          p75Ms: 90,
        },
        {
          hour: T0,
          cell: LONDON_CELL,
          network: '81.2.69.0/24',
          region: 'eu-west-1',
          samples: 2,
          medianMs: 13,
          p25Ms: 12.5,
          p75Ms: 13.5,
        },
        {
          hour: T0 + HOUR,
          cell: LONDON_CELL,
          region: 'eu-west-1',
          samples: 1,
          medianMs: 33,
          p25Ms: 33,
          p75Ms: 33,
        },
      ]);
      const pooled = await repo.measurementAggregates({
        from: T0,
        to: T0 + HOUR,
        dropNetwork: true,
        region: 'eu-west-1',
        cell: LONDON_CELL,
      });
      expect(pooled).toEqual([
        expect.objectContaining({ hour: T0, region: 'eu-west-1', samples: 7 }),
      ]);
      const first = await repo.compactMeasurements({
        rawBefore: 0,
        aggregatesBefore: 0,
        maxHours: 1,
      });
      expect(first).toMatchObject({ hoursAggregated: 1, hoursPending: 1 });
      const second = await repo.compactMeasurements({ rawBefore: 0, aggregatesBefore: 0 });
      expect(second).toMatchObject({ hoursAggregated: 1, hoursPending: 0 });
      expect(await repo.measurementAggregates({ from: T0, to: T0 + 2 * HOUR })).toEqual(read);
      // The window is of hour starts: [T0 + 1 ms, …) no longer holds hour T0.
      expect(await repo.measurementAggregates({ from: T0 + 1, to: T0 + 2 * HOUR })).toHaveLength(1);
    });

    it('a late sample re-opens its hour; retention keeps aggregates and never unaggregated samples', async () => {
      await repo.insertMeasurements([sample(10, T0), sample(20, T0 + 1)]);
      await repo.compactMeasurements({ rawBefore: 0, aggregatesBefore: 0 });
      await repo.insertMeasurements([sample(60, T0 + 2)]);
      // Pruning everything before T0 + 1 h: the hour is marked again, so its samples stay.
      const pruned = await repo.compactMeasurements({
        rawBefore: T0 + HOUR,
        aggregatesBefore: 0,
        maxHours: 0,
      });
      expect(pruned.samplesDeleted).toBe(0);
      expect((await repo.measurementStats()).samples).toBe(3);
      const done = await repo.compactMeasurements({ rawBefore: T0 + HOUR, aggregatesBefore: 0 });
      expect(done.samplesDeleted).toBe(3);
      const stats = await repo.measurementStats();
      expect(stats).toMatchObject({
        samples: 0,
        aggregates: 1,
        oldestHour: T0,
        newestHour: T0,
        cells: 1,
      });
      expect(stats.regions).toEqual(['eu-west-1']);
      expect(await repo.measurementAggregates({ from: T0, to: T0 + HOUR })).toEqual([
        expect.objectContaining({ samples: 3, medianMs: 20 }),
      ]);
      const v = await repo.measurementsVersion();
      const gone = await repo.compactMeasurements({ rawBefore: 0, aggregatesBefore: T0 + HOUR });
      expect(gone.aggregatesDeleted).toBe(1);
      expect(await repo.measurementsVersion()).not.toBe(v);
    });

    it('keeps every stored sample across a reopen', async () => {
      await repo.insertMeasurements([sample(10, T0), sample(11, T0 + 1)]);
      await repo.close();
      repo = await harness.reopen();
      expect((await repo.measurementStats()).samples).toBe(2);
    });
  });
}
