import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../secrets/secret-box';
import type { Repository } from '../storage/repository';
import type { Principal } from './authenticate';

/**
 * AWS Signature Version 4 verification for Route 53's API, computed by hand from the request
 * as received (node:crypto only), following the AWS spec and what botocore and the JS SDK v3
 * actually sign: the path URI-encoded once more (non-S3 services), the query decoded and
 * re-encoded RFC 3986 and sorted, the headers named in SignedHeaders lower-cased with their
 * values trimmed and inner whitespace collapsed.
 */

/** What the verifier needs of a request, exactly as it arrived. */
export interface SigV4Request {
  method: string;
  /** The path as received: percent-encoded, without the query. */
  rawPath: string;
  /** The query as received, without '?' ('' when none). */
  rawQuery: string;
  /** Node's IncomingHttpHeaders (lower-case names) or any record of them. */
  headers: Record<string, string | string[] | undefined>;
  /** The body bytes as received ('' when none): needed to check the payload hash. */
  body: Buffer;
}

/** Route 53's error codes for a request it cannot authenticate (all HTTP 403). */
export type SigV4ErrorCode =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'InvalidClientTokenId'
  | 'SignatureDoesNotMatch';

export type SigV4Result =
  | { ok: true; principal: Principal; accessKeyId: string; region: string; service: string }
  | {
      ok: false;
      status: 403;
      code: SigV4ErrorCode;
      message: string;
      /** On SignatureDoesNotMatch: the canonical request computed here, to log when debugging a client. */
      canonicalRequest?: string;
    };

export interface SigV4VerifierOptions {
  /** The clock, ms since the epoch. */
  now?: () => number;
  /** How far the request time may be from now, ms (15 minutes). */
  maxSkewMs?: number;
  /** When set, a credential scoped to another service is refused (e.g. 'route53'). */
  service?: string;
}

export type SigV4Verifier = (req: SigV4Request) => Promise<SigV4Result>;

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
export const SIGV4_MAX_SKEW_MS = 15 * 60_000;
/** Longest a presigned URL may stay valid (X-Amz-Expires), s: 7 days, as AWS. */
const MAX_PRESIGN_EXPIRES_S = 604_800;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** last_used_at of the token is written at most this often (as the bearer authenticator). */
const TOUCH_INTERVAL_MS = 60_000;

const MESSAGES = {
  missing: 'Missing Authentication Token',
  invalidKey: 'The security token included in the request is invalid.',
  mismatch:
    'The request signature we calculated does not match the signature you provided. Check your ' +
    'AWS Secret Access Key and signing method. Consult the service documentation for details.',
} as const;

type Failure = Extract<SigV4Result, { ok: false }>;

function fail(code: SigV4ErrorCode, message: string, canonicalRequest?: string): Failure {
  return canonicalRequest === undefined
    ? { ok: false, status: 403, code, message }
    : { ok: false, status: 403, code, message, canonicalRequest };
}

const sha256Hex = (data: string | Buffer): string =>
  createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding (unreserved characters kept), as AWS canonicalizes. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function uriDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The canonical URI for services other than S3: dot segments and empty segments removed, then
 * the (already percent-encoded) path encoded once more, slashes kept. botocore quotes the
 * received path; the JS SDK's SignatureV4 escapes it again (uriEscapePath).
 */
export function canonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = rawPath.endsWith('/') && segments.length > 0 ? '/' : '';
  return `/${segments.map(uriEncode).join('/')}${trailing}`;
}

function parseQuery(rawQuery: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? '' : piece.slice(eq + 1);
    pairs.push([uriDecode(key), uriDecode(value)]);
  }
  return pairs;
}

/** The canonical query string: each name and value RFC 3986-encoded, sorted by name then value. */
export function canonicalQueryString(rawQuery: string, omit?: string): string {
  return parseQuery(rawQuery)
    .filter(([k]) => k !== omit)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function headerMap(headers: SigV4Request['headers']): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    const key = name.toLowerCase();
    const prior = map.get(key);
    map.set(key, prior === undefined ? text : `${prior},${text}`);
  }
  return map;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function parseAmzDate(text: string): number | null {
  const m = AMZ_DATE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const t = Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s);
  // Reject dates Date.UTC would roll over (month 13, day 32, ...).
  return formatAmzDate(t) === text ? t : null;
}

function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

interface ParsedAuth {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string;
  signature: string;
  /** The request time as signed (ISO 8601 basic) and in ms. */
  amzDate: string;
  time: number;
  /** Presigned: X-Amz-Expires, s; the query parameter not to canonicalize. */
  expiresS?: number;
  presigned: boolean;
  securityToken?: string;
}

function parseCredential(
  credential: string,
): Omit<ParsedAuth, 'signedHeaders' | 'signature' | 'amzDate' | 'time' | 'presigned'> | null {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((p) => p === '')) return null;
  const [accessKeyId, scopeDate, region, service, terminator] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  return { accessKeyId, scopeDate, region, service, terminator };
}

/** The signature parameters of the Authorization header or of a presigned query. */
function parseAuth(headers: Map<string, string>, query: [string, string][]): ParsedAuth | Failure {
  const authorization = headers.get('authorization');
  const queryAlgorithm = query.find(([k]) => k === 'X-Amz-Algorithm')?.[1];
  if ((authorization === undefined || authorization.trim() === '') && !queryAlgorithm) {
    return fail('MissingAuthenticationToken', MESSAGES.missing);
  }
  if (authorization !== undefined && authorization.trim() !== '' && queryAlgorithm) {
    return fail(
      'IncompleteSignature',
      'Only one authentication method is allowed: the Authorization header or X-Amz-Algorithm in the query, not both.',
    );
  }

  if (authorization !== undefined && authorization.trim() !== '') {
    const text = authorization.trim();
    const space = text.search(/\s/);
    const algorithm = space < 0 ? text : text.slice(0, space);
    if (algorithm !== SIGV4_ALGORITHM) {
      return fail(
        'IncompleteSignature',
        `Unsupported authorization "${algorithm.slice(0, 32)}": sign requests with AWS Signature Version 4 (${SIGV4_ALGORITHM}).`,
      );
    }
    const params = new Map<string, string>();
    for (const piece of (space < 0 ? '' : text.slice(space)).split(',')) {
      const p = piece.trim();
      const eq = p.indexOf('=');
      if (eq > 0) params.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
    }
    const missing = ['Credential', 'Signature', 'SignedHeaders']
      .filter((k) => !params.get(k))
      .map((k) => `Authorization header requires '${k}' parameter.`);
    const amzDateHeader = headers.get('x-amz-date');
    const dateHeader = headers.get('date');
    if (amzDateHeader === undefined && dateHeader === undefined) {
      missing.push(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      );
    }
    if (missing.length > 0) return fail('IncompleteSignature', missing.join(' '));
    const credential = parseCredential(params.get('Credential') ?? '');
    if (!credential) {
      return fail(
        'IncompleteSignature',
        "Authorization header's Credential must be <access key id>/<date>/<region>/<service>/aws4_request.",
      );
    }
    let amzDate: string;
    let time: number | null;
    if (amzDateHeader !== undefined) {
      amzDate = amzDateHeader.trim();
      time = parseAmzDate(amzDate);
    } else {
      time = Date.parse(dateHeader ?? '');
      if (Number.isNaN(time)) time = null;
      amzDate = time === null ? '' : formatAmzDate(time);
    }
    if (time === null) {
      return fail(
        'IncompleteSignature',
        amzDateHeader !== undefined
          ? "X-Amz-Date must be in the ISO 8601 basic format 'YYYYMMDDTHHMMSSZ'."
          : 'The Date header is not a valid HTTP date.',
      );
    }
    const securityToken = headers.get('x-amz-security-token');
    return {
      ...credential,
      signedHeaders: params.get('SignedHeaders') ?? '',
      signature: params.get('Signature') ?? '',
      amzDate,
      time,
      presigned: false,
      ...(securityToken === undefined ? {} : { securityToken }),
    };
  }

  const q = new Map(query);
  if (queryAlgorithm !== SIGV4_ALGORITHM) {
    return fail(
      'IncompleteSignature',
      `Unsupported X-Amz-Algorithm "${(queryAlgorithm ?? '').slice(0, 32)}": use ${SIGV4_ALGORITHM}.`,
    );
  }
  const missing = ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature']
    .filter((k) => !q.get(k))
    .map((k) => `Query-string authentication requires the ${k} parameter.`);
  if (missing.length > 0) return fail('IncompleteSignature', missing.join(' '));
  const credential = parseCredential(q.get('X-Amz-Credential') ?? '');
  if (!credential) {
    return fail(
      'IncompleteSignature',
      'X-Amz-Credential must be <access key id>/<date>/<region>/<service>/aws4_request.',
    );
  }
  const amzDate = q.get('X-Amz-Date') ?? '';
  const time = parseAmzDate(amzDate);
  if (time === null) {
    return fail(
      'IncompleteSignature',
      "X-Amz-Date must be in the ISO 8601 basic format 'YYYYMMDDTHHMMSSZ'.",
    );
  }
  const expiresText = q.get('X-Amz-Expires') ?? `${MAX_PRESIGN_EXPIRES_S}`;
  const expiresS = /^\d{1,7}$/.test(expiresText) ? Number(expiresText) : Number.NaN;
  if (!(expiresS >= 1 && expiresS <= MAX_PRESIGN_EXPIRES_S)) {
    return fail(
      'IncompleteSignature',
      `X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGN_EXPIRES_S}.`,
    );
  }
  const securityToken = q.get('X-Amz-Security-Token');
  return {
    ...credential,
    signedHeaders: q.get('X-Amz-SignedHeaders') ?? '',
    signature: q.get('X-Amz-Signature') ?? '',
    amzDate,
    time,
    expiresS,
    presigned: true,
    ...(securityToken === undefined ? {} : { securityToken }),
  };
}

/** The request time is too far from now: Route 53's "Signature expired" wording. */
function checkTime(auth: ParsedAuth, now: number, maxSkewMs: number): Failure | null {
  const minutes = Math.round(maxSkewMs / 60_000);
  if (auth.time > now + maxSkewMs) {
    return fail(
      'SignatureDoesNotMatch',
      `Signature not yet current: ${auth.amzDate} is still later than ${formatAmzDate(now + maxSkewMs)} (${formatAmzDate(now)} + ${minutes} min.)`,
    );
  }
  if (auth.presigned) {
    const until = auth.time + (auth.expiresS ?? 0) * 1000;
    if (now > until) {
      return fail(
        'SignatureDoesNotMatch',
        `Signature expired: the presigned request was valid until ${formatAmzDate(until)} (now ${formatAmzDate(now)}).`,
      );
    }
    return null;
  }
  if (auth.time < now - maxSkewMs) {
    return fail(
      'SignatureDoesNotMatch',
      `Signature expired: ${auth.amzDate} is now earlier than ${formatAmzDate(now - maxSkewMs)} (${formatAmzDate(now)} - ${minutes} min.)`,
    );
  }
  return null;
}

/**
 * A verifier of SigV4-signed requests against the access keys in `repository` (secrets
 * sealed in `box`). Region and service come from the credential scope, as clients with an
 * endpoint override sign with their own configured region. Failures come back as Route 53's
 * 403 codes; it throws only when a stored secret cannot be opened (a server key problem,
 * SecretBoxError) or storage fails.
 */
export function createSigV4Verifier(
  repository: Repository,
  box: SecretBox,
  opts: SigV4VerifierOptions = {},
): SigV4Verifier {
  const now = opts.now ?? Date.now;
  const maxSkewMs = opts.maxSkewMs ?? SIGV4_MAX_SKEW_MS;
  const touched = new Map<string, number>();

  return async (req) => {
    const headers = headerMap(req.headers);
    const query = parseQuery(req.rawQuery);
    const auth = parseAuth(headers, query);
    if ('ok' in auth) return auth;

    if (auth.terminator !== 'aws4_request') {
      return fail(
        'SignatureDoesNotMatch',
        `Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.terminator.slice(0, 32)}'.`,
      );
    }
    if (opts.service !== undefined && auth.service !== opts.service) {
      return fail(
        'SignatureDoesNotMatch',
        `Credential should be scoped to correct service: '${opts.service}'.`,
      );
    }
    const signedHeaderNames = auth.signedHeaders.split(';');
    if (
      signedHeaderNames.some((h) => h === '' || h !== h.toLowerCase()) ||
      !signedHeaderNames.includes('host')
    ) {
      return fail(
        'IncompleteSignature',
        "SignedHeaders must be lower-case header names separated by ';' and include host.",
      );
    }

    const key = await repository.findAwsAccessKey(auth.accessKeyId);
    if (!key || key.revokedAt !== null || key.token.revokedAt !== null) {
      return fail('InvalidClientTokenId', MESSAGES.invalidKey);
    }
    if (auth.securityToken !== undefined) {
      // latency-atlas issues no temporary credentials; a session token means the client is
      // mixing in credentials from elsewhere (AWS_SESSION_TOKEN).
      return fail(
        'InvalidClientTokenId',
        `${MESSAGES.invalidKey} (latency-atlas access keys take no session token: unset AWS_SESSION_TOKEN.)`,
      );
    }

    const t = now();
    const late = checkTime(auth, t, maxSkewMs);
    if (late) return late;
    const day = auth.amzDate.slice(0, 8);
    if (auth.scopeDate !== day) {
      return fail(
        'SignatureDoesNotMatch',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate.slice(0, 16)}' != '${day}', from '${auth.amzDate}'.`,
      );
    }

    // The payload hash: the client's x-amz-content-sha256 (checked against the body), else
    // the body's own hash (botocore sends no header).
    const bodyHash = sha256Hex(req.body);
    const declared = headers.get('x-amz-content-sha256')?.trim();
    let payloadHashes: string[];
    if (declared === undefined) {
      payloadHashes =
        auth.presigned && req.body.length === 0 ? [bodyHash, UNSIGNED_PAYLOAD] : [bodyHash];
    } else if (declared === UNSIGNED_PAYLOAD) {
      if (req.body.length > 0) {
        return fail(
          'SignatureDoesNotMatch',
          'x-amz-content-sha256: UNSIGNED-PAYLOAD is accepted only for requests without a body.',
        );
      }
      payloadHashes = [declared];
    } else if (/^[0-9a-fA-F]{64}$/.test(declared)) {
      if (declared.toLowerCase() !== bodyHash) {
        return fail(
          'SignatureDoesNotMatch',
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
        );
      }
      payloadHashes = [declared];
    } else {
      return fail(
        'IncompleteSignature',
        'x-amz-content-sha256 must be the hex SHA-256 of the body or UNSIGNED-PAYLOAD (streaming uploads are not accepted).',
      );
    }

    const canonicalHeaders = signedHeaderNames
      .map((name) => `${name}:${(headers.get(name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
      .join('');
    const canonicalPrefix = [
      req.method.toUpperCase(),
      canonicalUri(req.rawPath),
      canonicalQueryString(req.rawQuery, auth.presigned ? 'X-Amz-Signature' : undefined),
      canonicalHeaders,
      auth.signedHeaders,
    ].join('\n');
    const scope = `${auth.scopeDate}/${auth.region}/${auth.service}/aws4_request`;

    const secret = box.open(key.secretBox);
    const signingKey = hmac(
      hmac(hmac(hmac(`AWS4${secret}`, auth.scopeDate), auth.region), auth.service),
      'aws4_request',
    );
    const given = /^[0-9a-fA-F]{64}$/.test(auth.signature)
      ? Buffer.from(auth.signature, 'hex')
      : null;
    let matched = false;
    let canonicalRequest = '';
    for (const payloadHash of payloadHashes) {
      canonicalRequest = `${canonicalPrefix}\n${payloadHash}`;
      const stringToSign = [SIGV4_ALGORITHM, auth.amzDate, scope, sha256Hex(canonicalRequest)].join(
        '\n',
      );
      const expected = hmac(signingKey, stringToSign);
      if (given && timingSafeEqual(expected, given)) matched = true;
    }
    if (!matched) return fail('SignatureDoesNotMatch', MESSAGES.mismatch, canonicalRequest);

    const token = key.token;
    if (t - (touched.get(token.id) ?? Number.NEGATIVE_INFINITY) >= TOUCH_INTERVAL_MS) {
      touched.set(token.id, t);
      try {
        await repository.touchApiToken(token.id);
      } catch {
        // Bookkeeping only: never refuse a request over it.
      }
    }
    return {
      ok: true,
      principal: { tokenId: token.id, name: token.name, role: token.role },
      accessKeyId: key.id,
      region: auth.region,
      service: auth.service,
    };
  };
}
