import { z } from 'zod';

/** Service health and per-record health-check status. */

export const ServiceHealthResponseSchema = z
  .object({ status: z.literal('ok') })
  .meta({ id: 'ServiceHealthResponse' });

/** Health-check ids as Route 53 uses them (UUIDs in practice), at most 64 characters. */
export const HealthCheckIdSchema = z
  .string()
  .min(1, { error: 'health check id must not be empty' })
  .max(64, { error: 'health check id must be at most 64 characters' });

export const HealthCheckStatusSchema = z
  .object({
    id: z.string(),
    /** Unknown ids are healthy (no health check = healthy, as in Route 53). */
    healthy: z.boolean(),
  })
  .meta({
    id: 'HealthCheckStatus',
    examples: [{ id: '9c8d7e6f-1a2b-4c3d-8e9f-0a1b2c3d4e5f', healthy: false }],
  });

/** A record set that refers to a health check. */
export const HealthCheckReferenceSchema = z
  .object({
    zoneId: z.string(),
    name: z.string(),
    type: z.string(),
    setIdentifier: z.string().optional(),
  })
  .meta({ id: 'HealthCheckReference' });

export const HealthCheckListEntrySchema = HealthCheckStatusSchema.extend({
  records: z.array(HealthCheckReferenceSchema),
}).meta({ id: 'HealthCheckListEntry' });

export const HealthCheckListResponseSchema = z
  .array(HealthCheckListEntrySchema)
  .meta({ id: 'HealthCheckListResponse' });

export const SetHealthRequestSchema = z
  .strictObject({
    healthy: z.boolean({ error: 'healthy must be true or false' }),
  })
  .meta({ id: 'SetHealthRequest', examples: [{ healthy: false }] });

export type HealthCheckStatus = z.infer<typeof HealthCheckStatusSchema>;
export type HealthCheckListEntry = z.infer<typeof HealthCheckListEntrySchema>;
export type SetHealthRequest = z.infer<typeof SetHealthRequestSchema>;
