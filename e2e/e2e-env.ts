import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** E2E_PORT lets two checkouts (or two helpers) run the suite at once without colliding. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 4317);

/** The e2e server's SQLite file: fresh per run (playwright.config.ts removes it first). */
export const E2E_DB_FILE = join(tmpdir(), `latency-atlas-e2e-${E2E_PORT}.db`);

/** The e2e server's DNS port (UDP and TCP): next to E2E_PORT unless E2E_DNS_PORT says otherwise. */
export const E2E_DNS_PORT = Number(process.env.E2E_DNS_PORT ?? E2E_PORT + 1);
