import { z } from 'zod';

/** Hosted-zone wire shapes for /api/zones. */

/** Route 53 style zone id (`Z` + up to 31 letters/digits), without the `/hostedzone/` prefix. */
export const ZONE_ID_PATTERN = /^Z[A-Z0-9]{1,31}$/;

/**
 * Accept both `Z…` and `/hostedzone/Z…` (as `aws route53` prints ids); null when it is
 * neither, so the caller can say the id is malformed.
 */
export function normalizeZoneId(raw: string): string | null {
  const id = raw.startsWith('/hostedzone/') ? raw.slice('/hostedzone/'.length) : raw;
  return ZONE_ID_PATTERN.test(id) ? id : null;
}

export const ZoneSummarySchema = z
  .object({
    id: z.string(),
    /** Apex without trailing dot, lower case. */
    name: z.string(),
    recordCount: z.number().int().min(0),
  })
  .meta({
    id: 'ZoneSummary',
    examples: [{ id: 'Z0A1B2C3D4E5F6G7H8I9J', name: 'example.com', recordCount: 10 }],
  });

export const ZoneListResponseSchema = z.array(ZoneSummarySchema).meta({ id: 'ZoneListResponse' });

export const CreateZoneRequestSchema = z
  .strictObject({
    /** e.g. `example.org` (a trailing dot is accepted and dropped). */
    name: z.string().min(1).max(255),
  })
  .meta({ id: 'CreateZoneRequest', examples: [{ name: 'example.org' }] });

export const CreateZoneResponseSchema = z
  .object({ id: z.string(), name: z.string() })
  .meta({ id: 'CreateZoneResponse', examples: [{ id: 'Z3M3LMPEXAMPLE', name: 'example.org' }] });

export const DeleteZoneQuerySchema = z.strictObject({
  /** `true` deletes a zone that still holds record sets. */
  force: z
    .enum(['true', 'false'])
    .optional()
    .describe('true deletes a zone that still holds record sets.'),
});

export type ZoneSummary = z.infer<typeof ZoneSummarySchema>;
export type CreateZoneRequest = z.infer<typeof CreateZoneRequestSchema>;
export type CreateZoneResponse = z.infer<typeof CreateZoneResponseSchema>;

export const ZoneDetailSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** Increments with every applied change batch. */
    version: z.number().int().min(0),
    /** The serial in the apex SOA (0 without one): 1 at creation, up with every applied batch. */
    serial: z.number().int().min(0),
    createdAt: z.string(),
  })
  .meta({
    id: 'ZoneDetail',
    examples: [
      {
        id: 'Z0A1B2C3D4E5F6G7H8I9J',
        name: 'example.com',
        version: 1,
        serial: 2,
        createdAt: '2026-01-01T00:00:00.000Z',
      },
    ],
  });
export type ZoneDetail = z.infer<typeof ZoneDetailSchema>;
