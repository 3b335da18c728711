import type { ResourceRecordSet } from './types';

/**
 * Splits a DNS name in presentation form into labels of raw characters, decoding Route 53's
 * escapes: `\ddd` is a 3-digit OCTAL character code (Route 53 writes `*` as `\052`), `\c` is the
 * character c. A trailing dot is optional. Returns null for a dangling or bad escape.
 */
export function decodeNameLabels(name: string): string[] | null {
  const labels: string[] = [];
  let label = '';
  let i = 0;
  while (i < name.length) {
    const ch = name.charAt(i);
    if (ch === '\\') {
      const oct = name.slice(i + 1, i + 4);
      if (/^[0-7]{3}$/.test(oct)) {
        const code = Number.parseInt(oct, 8);
        if (code > 255) return null;
        label += String.fromCharCode(code);
        i += 4;
        continue;
      }
      if (/^[0-9]/.test(oct)) return null;
      if (i + 1 >= name.length) return null;
      label += name.charAt(i + 1);
      i += 2;
      continue;
    }
    if (ch === '.') {
      labels.push(label);
      label = '';
      i++;
      continue;
    }
    label += ch;
    i++;
  }
  if (label !== '' || labels.length === 0) labels.push(label);
  // "" and "." are the root: no labels.
  if (labels.length === 1 && labels[0] === '') return [];
  return labels;
}

/** Route 53 keeps a-z, 0-9, hyphen and underscore as they are and escapes the rest as \ddd. */
function encodeLabel(label: string): string {
  let out = '';
  for (const ch of label.toLowerCase()) {
    if (/^[a-z0-9_-]$/.test(ch)) {
      out += ch;
      continue;
    }
    const code = ch.codePointAt(0) ?? 0;
    if (code <= 255) {
      out += `\\${code.toString(8).padStart(3, '0')}`;
      continue;
    }
    for (const byte of new TextEncoder().encode(ch)) {
      out += `\\${byte.toString(8).padStart(3, '0')}`;
    }
  }
  return out;
}

/** A name in normal form with nothing to escape: lower-case plain labels, trailing dot. */
const NORMAL_PLAIN = /^(?:[a-z0-9_-]+\.)+$/;

/**
 * Route 53 listing form of a name: lower case, trailing dot, `*` and every other character
 * outside a-z 0-9 - _ written as an octal escape (`\052`). Idempotent. A name with a broken
 * escape is only lower-cased and dotted (validation reports it).
 */
export function normalizeName(name: string): string {
  // Already normal (the common case: names stored and compared in this form).
  if (NORMAL_PLAIN.test(name)) return name;
  const labels = decodeNameLabels(name);
  if (labels === null) {
    const lower = name.toLowerCase();
    return lower.endsWith('.') ? lower : `${lower}.`;
  }
  if (labels.length === 0) return '.';
  return `${labels.map(encodeLabel).join('.')}.`;
}

/** True when `name` is the zone apex or below it (both in any accepted form). */
export function isInZone(name: string, zoneName: string): boolean {
  const n = normalizeName(name);
  const z = normalizeName(zoneName);
  if (z === '.') return true;
  return n === z || n.endsWith(`.${z}`);
}

/**
 * Human form: no trailing dot, escapes decoded (`\052.shop.example.net.` → `*.shop.example.net`).
 * Dots and backslashes inside a label stay escaped, so normalizeName(displayName(x)) === x.
 */
export function displayName(name: string): string {
  const labels = decodeNameLabels(name);
  if (labels === null) return name.replace(/\.$/, '');
  if (labels.length === 0) return '.';
  return labels
    .map((label) =>
      [...label.toLowerCase()]
        .map((ch) => {
          const code = ch.codePointAt(0) ?? 0;
          if (ch === '.' || ch === '\\' || code <= 32 || code === 127) {
            return `\\${code.toString(8).padStart(3, '0')}`;
          }
          return ch;
        })
        .join(''),
    )
    .join('.');
}

/** Identity of a record set within a zone: `name|type|setIdentifier` (name normalised). */
export function recordSetKey(
  r: Pick<ResourceRecordSet, 'Name' | 'Type' | 'SetIdentifier'>,
): string {
  return `${normalizeName(r.Name)}|${r.Type}|${r.SetIdentifier ?? ''}`;
}

/**
 * A record set in stored form: normalised Name (and alias DNSName), fields in listing order,
 * absent fields omitted. Values are kept as given.
 */
export function normalizeRecordSet(r: ResourceRecordSet): ResourceRecordSet {
  const out: ResourceRecordSet = { Name: normalizeName(r.Name), Type: r.Type };
  if (r.SetIdentifier !== undefined) out.SetIdentifier = r.SetIdentifier;
  if (r.Region !== undefined) out.Region = r.Region;
  if (r.TTL !== undefined) out.TTL = r.TTL;
  if (r.ResourceRecords !== undefined) {
    out.ResourceRecords = r.ResourceRecords.map((v) => ({ Value: v.Value }));
  }
  if (r.HealthCheckId !== undefined) out.HealthCheckId = r.HealthCheckId;
  if (r.AliasTarget !== undefined) {
    out.AliasTarget = {
      HostedZoneId: r.AliasTarget.HostedZoneId,
      DNSName: normalizeName(r.AliasTarget.DNSName),
      EvaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth,
    };
  }
  return out;
}

/**
 * True when two sets are the same record as Route 53 compares them for DELETE: same identity,
 * TTL, region, health check, alias target, and the same values in any order.
 */
export function recordSetsEqual(a: ResourceRecordSet, b: ResourceRecordSet): boolean {
  return recordSetMismatch(a, b) === null;
}

/** The first field in which two sets differ (for "DELETE must match" messages), or null. */
export function recordSetMismatch(
  a: ResourceRecordSet,
  b: ResourceRecordSet,
):
  | 'Name'
  | 'Type'
  | 'SetIdentifier'
  | 'Region'
  | 'TTL'
  | 'ResourceRecords'
  | 'HealthCheckId'
  | 'AliasTarget'
  | null {
  if (normalizeName(a.Name) !== normalizeName(b.Name)) return 'Name';
  if (a.Type !== b.Type) return 'Type';
  if ((a.SetIdentifier ?? '') !== (b.SetIdentifier ?? '')) return 'SetIdentifier';
  if (a.Region !== b.Region) return 'Region';
  if (a.TTL !== b.TTL) return 'TTL';
  const va = (a.ResourceRecords ?? []).map((v) => v.Value).sort();
  const vb = (b.ResourceRecords ?? []).map((v) => v.Value).sort();
  if (
    (a.ResourceRecords === undefined) !== (b.ResourceRecords === undefined) ||
    va.length !== vb.length ||
    va.some((v, i) => v !== vb[i])
  ) {
    return 'ResourceRecords';
  }
  if ((a.HealthCheckId ?? '') !== (b.HealthCheckId ?? '')) return 'HealthCheckId';
  const ta = a.AliasTarget;
  const tb = b.AliasTarget;
  if (ta === undefined || tb === undefined) return ta === tb ? null : 'AliasTarget';
  if (
    ta.HostedZoneId !== tb.HostedZoneId ||
    normalizeName(ta.DNSName) !== normalizeName(tb.DNSName) ||
    ta.EvaluateTargetHealth !== tb.EvaluateTargetHealth
  ) {
    return 'AliasTarget';
  }
  return null;
}
