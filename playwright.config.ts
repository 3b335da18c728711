import { rmSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { ADMIN_TOKEN } from './e2e/admin-token';
import { E2E_DB_FILE, E2E_DNS_PORT, E2E_PORT } from './e2e/e2e-env';

const PORT = E2E_PORT;
const BASE_URL = `http://127.0.0.1:${PORT}`;

/**
 * One fresh SQLite file per run: removed first (with its WAL files), so every run starts from
 * the demo data only. The config is evaluated in the runner and in each worker; only the
 * runner (no TEST_WORKER_INDEX) removes the file, before the web server starts.
 */
const DB_FILE = E2E_DB_FILE;
if (process.env.TEST_WORKER_INDEX === undefined) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(DB_FILE + suffix, { force: true });
}

export default defineConfig({
  testDir: 'e2e',
  // E2E_OUTPUT_DIR: a second concurrent run must not wipe this run's artifacts.
  outputDir: process.env.E2E_OUTPUT_DIR ?? 'test-results',
  workers: 1,
  fullyParallel: false,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: BASE_URL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: 'npx tsx src/server/main.ts',
    url: `${BASE_URL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${DB_FILE}`,
      DNS_PORT: String(E2E_DNS_PORT),
      // Writes need a token: the specs act as this admin (e2e/support.ts ADMIN_TOKEN).
      LATENCY_ATLAS_ADMIN_TOKEN: ADMIN_TOKEN,
      // Health checks in the specs probe servers they start on loopback, every 500 ms.
      LATENCY_ATLAS_HEALTH_ALLOW_PRIVATE: '1',
      LATENCY_ATLAS_HEALTH_INTERVAL_MS: '500',
      // The beacon spec's browser is on this machine: its posts count as from London.
      LATENCY_ATLAS_BEACON_LOOPBACK_IP: '81.2.69.160',
    },
  },
});
