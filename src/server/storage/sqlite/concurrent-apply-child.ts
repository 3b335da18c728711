/**
 * Test helper run as a separate process by sqlite-repository.test.ts: opens the repository,
 * says `ready`, waits for a line on stdin, then applies COUNT one-record batches as fast as it
 * can (pausing 2 ms between them) and prints the versions it got as JSON. Two of these race on one SQLite file.
 */
import { openRepository } from '../open-repository';

const [databaseUrl = '', zoneId = '', label = 'child', countText = '10'] = process.argv.slice(2);
const repo = await openRepository(databaseUrl);
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));

const versions: number[] = [];
for (let i = 0; i < Number(countText); i++) {
  const result = await repo.applyChangeBatch(
    zoneId,
    {
      Comment: `${label} ${i}`,
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: `${label}-${i}.example.com`,
            Type: 'A',
            TTL: 60,
            ResourceRecords: [{ Value: '192.0.2.1' }],
          },
        },
      ],
    },
    { author: label },
  );
  if (!result.ok) {
    process.stderr.write(`${JSON.stringify(result.errors)}\n`);
    process.exit(2);
  }
  versions.push(result.change.version);
  // Let go of the write lock for a moment, so the two writers interleave instead of taking turns
  // in blocks (SQLite's busy handler sleeps; the writer that just committed would win again).
  await new Promise((resolve) => setTimeout(resolve, 2));
}
await repo.close();
process.stdout.write(`${JSON.stringify(versions)}\n`);
process.stdin.destroy();
