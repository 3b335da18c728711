/**
 * The one fetch wrapper of the SPA: JSON in and out, the session's API token as
 * `Authorization: Bearer` (never a cookie), and the control API's error shape
 * (`{error:{code,message,details:[{change,field,message}]}}`) turned into an ApiError that forms
 * can map back to their fields.
 */
import { getToken, handleUnauthorized } from './session';

export interface ApiErrorDetail {
  change?: number;
  field?: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ApiErrorDetail[];
  /** `error.details` as sent, for errors whose details are an object (409 StaleProposal). */
  readonly rawDetails: unknown;

  constructor(
    status: number,
    code: string,
    message: string,
    details: ApiErrorDetail[] = [],
    rawDetails: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.rawDetails = rawDetails;
  }

  /** 4xx: the request itself is wrong, retrying will not help. */
  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

/** Anything with a zod-like `parse`; keeps this file free of a schema library import. */
export interface Parser<T> {
  parse(input: unknown): T;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toApiError(status: number, body: unknown, fallback: string): ApiError {
  const err = isRecord(body) && isRecord(body.error) ? body.error : null;
  if (!err) return new ApiError(status, `HTTP${status}`, fallback);
  const details: ApiErrorDetail[] = Array.isArray(err.details)
    ? err.details.filter(isRecord).map((d) => ({
        change: typeof d.change === 'number' ? d.change : undefined,
        field: typeof d.field === 'string' ? d.field : undefined,
        message: typeof d.message === 'string' ? d.message : String(d.message ?? ''),
      }))
    : [];
  return new ApiError(
    status,
    typeof err.code === 'string' ? err.code : `HTTP${status}`,
    typeof err.message === 'string' ? err.message : fallback,
    details,
    err.details,
  );
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Send `body` (a string) as is with this content type, e.g. text/csv; default JSON. */
  contentType?: string;
  signal?: AbortSignal;
  /**
   * Send this token instead of the session's (null: none), and leave the session alone on a 401:
   * how the sign-in dialog checks a pasted token before keeping it.
   */
  token?: string | null;
}

/** Call the control API under `/api`; parses the JSON reply with `parser` when given. */
export async function apiFetch<T>(
  path: string,
  req: ApiRequest = {},
  parser?: Parser<T>,
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = req.token !== undefined ? req.token : getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (req.body !== undefined && req.contentType !== undefined && typeof req.body === 'string') {
    headers['Content-Type'] = req.contentType;
    body = req.body;
  } else if (req.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(req.body);
  }
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method: req.method ?? 'GET',
      headers,
      body,
      signal: req.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(
      0,
      'NetworkError',
      'The control API cannot be reached. Is the server running?',
    );
  }
  const text = await res.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      if (!res.ok) throw new ApiError(res.status, `HTTP${res.status}`, text.slice(0, 200));
      throw new ApiError(
        res.status,
        'BadResponse',
        'The server replied with something that is not JSON.',
      );
    }
  }
  if (!res.ok) {
    const error = toApiError(res.status, json, `${res.status} ${res.statusText}`.trim());
    if (res.status === 401 && req.token === undefined) handleUnauthorized(error.message, !!token);
    throw error;
  }
  return parser ? parser.parse(json) : (json as T);
}

/** A plain sentence for any error a query or mutation can throw. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
