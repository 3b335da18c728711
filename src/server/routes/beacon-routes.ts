import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { PostMeasurementsResponse } from '../../shared/measurements';
import { requireRole } from '../auth/auth-hook';
import { BeaconRateLimitedError, type BeaconService, newBeaconKey } from '../domain/beacon';
import type { Repository } from '../storage/repository';
import { ApiHttpError, invalidField, invalidInput } from './api-error';
import { beaconScript } from './beacon-script';
import { findZone } from './zone-routes';

export const BeaconScriptQuerySchema = z.strictObject({
  zone: z.string().describe('Zone id (Z…).'),
  key: z.string().describe('The zone’s public beacon key (lab_…).'),
  rounds: z.string().optional().describe('Fetches per probe, 2–5 (default 3; the first warms up).'),
  sample: z.string().optional().describe('Share of page views that measure, 0–1 (default 1).'),
});

export const BeaconPostQuerySchema = z.strictObject({
  zone: z.string(),
  key: z.string(),
});

export const BeaconKeyResponseSchema = z
  .object({
    beaconKey: z.string(),
    /** The tag a site puts in its pages. */
    snippet: z.string(),
  })
  .meta({ id: 'BeaconKeyResponse' });

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '86400',
};

/** Largest beacon post, bytes (64 timings are about 3 KB). */
const BEACON_BODY_LIMIT = 16 * 1024;

/**
 * The browser beacon: GET /beacon.js (the script, probes baked in), POST /api/beacon (its
 * timings, with the public key; from any origin) and POST /api/zones/:id/beacon-key (admin:
 * make or rotate the key).
 */
export function registerBeaconRoutes(
  app: FastifyInstance,
  deps: { repository: Repository; beacon: BeaconService },
): void {
  const { repository, beacon } = deps;

  app.get('/beacon.js', async (req, reply) => {
    reply.type('text/javascript; charset=utf-8').header('x-content-type-options', 'nosniff');
    const q = BeaconScriptQuerySchema.safeParse(req.query);
    if (!q.success) {
      return reply
        .code(400)
        .send('/* latency-atlas beacon: give ?zone=<zone id>&key=<beacon key> */\n');
    }
    const probes = await beacon.probesFor(q.data.zone, q.data.key);
    if (probes === null) {
      return reply.code(404).send('/* latency-atlas beacon: unknown zone or key */\n');
    }
    const rounds = Math.min(5, Math.max(2, Math.round(Number(q.data.rounds ?? 3)) || 3));
    const sampleRaw = Number(q.data.sample ?? 1);
    const sample = Number.isFinite(sampleRaw) ? Math.min(1, Math.max(0, sampleRaw)) : 1;
    return reply
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .send(beaconScript({ zone: q.data.zone, key: q.data.key, probes, rounds, sample }));
  });

  app.register(async (scoped) => {
    // Every answer of the beacon route may be read by the page that posted (any origin).
    scoped.addHook('onRequest', async (_req, reply) => {
      reply.headers(CORS);
    });
    scoped.addContentTypeParser(
      'text/plain',
      { parseAs: 'string', bodyLimit: BEACON_BODY_LIMIT },
      (_req, body, done) => {
        try {
          done(null, JSON.parse(String(body)) as unknown);
        } catch {
          done(invalidField('body', 'the beacon body is JSON: {"measurements":[{region, rttMs}]}'));
        }
      },
    );
    scoped.post(
      '/api/beacon',
      { config: { access: 'public' }, bodyLimit: BEACON_BODY_LIMIT },
      async (req, reply): Promise<PostMeasurementsResponse> => {
        const q = BeaconPostQuerySchema.safeParse(req.query);
        if (!q.success) throw invalidInput(q.error);
        try {
          const result = await beacon.post(q.data.zone, q.data.key, req.body, req.ip);
          return reply.code(202).send(result);
        } catch (err) {
          if (err instanceof BeaconRateLimitedError) {
            reply.header('retry-after', '60');
            throw new ApiHttpError(429, 'Throttling', err.message);
          }
          throw err;
        }
      },
    );
  });

  app.post(
    '/api/zones/:id/beacon-key',
    { config: { access: 'admin' } },
    async (req): Promise<z.infer<typeof BeaconKeyResponseSchema>> => {
      const principal = requireRole(req, 'admin', 'making a beacon key');
      const zone = await findZone(repository, req.params);
      const key = newBeaconKey();
      await repository.updateZoneSettings(zone.id, { beaconKey: key }, { actor: principal.name });
      return {
        beaconKey: key,
        snippet: `<script async src="/beacon.js?zone=${zone.id}&key=${key}"></script>`,
      };
    },
  );
}
