import { type EventTicketResponse, EventTicketResponseSchema } from '../../../../shared/health';
import { apiFetch } from '../../../lib/api-client';

/**
 * POST /api/events/tickets with the session's token: a 60 s ticket that opens the event stream
 * as `?ticket=`, since EventSource cannot send the Authorization header (and the long-lived
 * token must not go into a URL).
 */
export function createEventTicket(signal?: AbortSignal): Promise<EventTicketResponse> {
  return apiFetch('/events/tickets', { method: 'POST', signal }, EventTicketResponseSchema);
}
