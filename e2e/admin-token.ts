/**
 * The admin token the e2e server is started with (playwright.config.ts sets it as
 * LATENCY_ATLAS_ADMIN_TOKEN, so the server makes it an admin token named `admin-env`).
 * A fixed test value: never use it outside tests.
 */
export const ADMIN_TOKEN = 'la_e2e-admin-token-for-tests-only-0000000000';
