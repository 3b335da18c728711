import type { FastifyInstance } from 'fastify';
import { parseTestDnsAnswerQueryFast, TestDnsAnswerQuerySchema } from '../../shared/routing';
import { createDnsAnswerer } from '../domain/answerer';
import type { MeasurementService } from '../domain/measurements';
import type { ZoneIndex } from '../domain/zone-index';
import type { ServerGeo } from '../geo/load-geo';
import type { Repository } from '../storage/repository';
import { invalidInput } from './api-error';
import { findZone } from './zone-routes';

/** GET /api/zones/:id/testdnsanswer: parse, ask the domain's answerer, reply. */
export function registerTestDnsAnswerRoute(
  app: FastifyInstance,
  repository: Repository,
  geo: ServerGeo,
  index?: ZoneIndex,
  measurements?: MeasurementService,
): void {
  const answerer = createDnsAnswerer(repository, geo, index, measurements);
  app.get('/api/zones/:id/testdnsanswer', async (req, reply) => {
    // Hot path: a hand-written parse for valid queries, the schema (for its messages) otherwise.
    let query = parseTestDnsAnswerQueryFast(req.query);
    if (query === null) {
      const parsed = TestDnsAnswerQuerySchema.safeParse(req.query);
      if (!parsed.success) throw invalidInput(parsed.error);
      query = parsed.data;
    }
    const zone = await findZone(repository, req.params);
    const json = await answerer.answerJson(zone, query);
    return reply.type('application/json; charset=utf-8').send(json);
  });
}
