/**
 * `npm start`: read the environment, open storage, seed the demo zone on an empty database,
 * make sure an admin token exists, listen. PORT (8080), HOST (127.0.0.1), DATABASE_URL
 * (sqlite:./data/latency-atlas.db); `--no-demo` or LATENCY_ATLAS_NO_DEMO=1 skips the demo data;
 * LATENCY_ATLAS_PRIVATE=1 makes reads need a viewer token too; LATENCY_ATLAS_ADMIN_TOKEN=<secret>
 * makes that secret an admin token (`admin-env`), for automation and tests. On a database
 * without any token, a first admin token is made and printed once.
 */
import { resolve } from 'node:path';
import { buildApp } from './app';
import {
  AdminTokenConfigError,
  ensureAdminTokens,
  firstAdminBanner,
} from './auth/bootstrap-tokens';
import { loadImpactCities } from './geo/impact-cities';
import { loadGeo } from './geo/load-geo';
import { DatabaseUrlError, DEFAULT_DATABASE_URL, openRepository } from './storage/open-repository';
import { seedDemo } from './storage/seed-demo';

function readPort(text: string | undefined): number {
  if (text === undefined || text === '') return 8080;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, got "${text}"`);
  }
  return port;
}

function isTruthy(text: string | undefined): boolean {
  return text !== undefined && /^(1|true|yes|on)$/i.test(text.trim());
}

async function main(): Promise<void> {
  const port = readPort(process.env.PORT);
  const host = process.env.HOST || '127.0.0.1';
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const noDemo = process.argv.includes('--no-demo') || isTruthy(process.env.LATENCY_ATLAS_NO_DEMO);
  const privateReads = isTruthy(process.env.LATENCY_ATLAS_PRIVATE);

  const repository = await openRepository(databaseUrl);
  const geo = loadGeo();
  loadImpactCities(); // now rather than on the first write (impact is counted over every city)
  if (!noDemo && (await seedDemo(repository))) {
    console.log('latency-atlas: empty database, added the demo zone example.com');
  }
  const tokens = await ensureAdminTokens(repository, {
    configuredSecret: process.env.LATENCY_ATLAS_ADMIN_TOKEN,
  });
  if (tokens.configured) {
    console.log(
      `latency-atlas: LATENCY_ATLAS_ADMIN_TOKEN is the admin token "${tokens.configured.name}"`,
    );
  }

  const app = buildApp({
    repository,
    geo,
    logger: { level: process.env.LOG_LEVEL || 'warn' },
    webRoot: resolve(process.cwd(), 'dist'),
    privateReads,
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`latency-atlas: ${signal}, shutting down`);
    try {
      await app.close();
      await repository.close();
      process.exit(0);
    } catch (err) {
      console.error('latency-atlas: shutdown failed', err);
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  const address = await app.listen({ port, host });
  console.log(`latency-atlas: ${geo.attribution}`);
  console.log(`latency-atlas listening on ${address} (API reference: ${address}/api/docs)`);
  if (privateReads) console.log('latency-atlas: LATENCY_ATLAS_PRIVATE=1: reads need a token too');
  // Last, so it is what the operator sees.
  if (tokens.firstAdmin) console.log(firstAdminBanner(tokens.firstAdmin));
}

main().catch((err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
    console.error(
      `latency-atlas: cannot listen on ${process.env.HOST || '127.0.0.1'}:${process.env.PORT || 8080} (${String(code)}); set PORT or HOST`,
    );
  } else if (
    err instanceof DatabaseUrlError ||
    err instanceof AdminTokenConfigError ||
    (err instanceof Error && err.message.startsWith('PORT'))
  ) {
    console.error(`latency-atlas: ${err.message}`);
  } else {
    console.error('latency-atlas: failed to start', err);
  }
  process.exit(1);
});
