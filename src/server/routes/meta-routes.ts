import type { FastifyInstance } from 'fastify';
import { renderDocsPage } from './docs-page';
import { buildOpenApiDocument } from './openapi';

/** /api/health, /api/openapi.json, /api/docs. */
export function registerMetaRoutes(app: FastifyInstance): void {
  app.get('/api/health', async () => ({ status: 'ok' as const }));

  let docsHtml: string | null = null;
  app.get('/api/openapi.json', async () => buildOpenApiDocument());
  app.get('/api/docs', async (_req, reply) => {
    docsHtml ??= renderDocsPage(buildOpenApiDocument());
    return reply.type('text/html; charset=utf-8').send(docsHtml);
  });
}
