import type { RejectedMeasurement } from '../../shared/measurements';

/**
 * The two text forms of POST /api/measurements, turned into the JSON rows the domain checks:
 * NDJSON (one measurement object per line) and CSV with a header naming the columns
 * `at,region,rttMs,ip|subnet|lat,lon|city,source` (any order; the client is the first of ip,
 * subnet, lat+lon, city that is filled in on a row). Rows that cannot even be read are rejected
 * here with their index, so the caller reports them with the rest.
 */

export interface ParsedRows {
  rows: unknown[];
  /** Indices of `rows` are offset by the rows rejected here: index = position in the input. */
  rejected: RejectedMeasurement[];
  /** Position in the input of each entry of `rows`. */
  positions: number[];
}

/** One NDJSON line per row; blank lines are skipped (and not counted). */
export function parseNdjson(text: string): ParsedRows {
  const out: ParsedRows = { rows: [], rejected: [], positions: [] };
  let index = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    try {
      out.rows.push(JSON.parse(trimmed) as unknown);
      out.positions.push(index);
    } catch (err) {
      out.rejected.push({
        index,
        field: '',
        message: `line ${index + 1} is not JSON: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
    index++;
  }
  return out;
}

/** Split CSV text into records of fields (RFC 4180: quotes, doubled quotes, CRLF or LF). */
export function splitCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 34 /* " */) {
        if (text.charCodeAt(i + 1) === 34) {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      const next = text.indexOf('"', i);
      const end = next === -1 ? n : next;
      field += text.slice(i, end);
      i = end;
      continue;
    }
    if (c === 44 /* , */) {
      record.push(field);
      field = '';
      i++;
    } else if (c === 10 /* \n */ || c === 13 /* \r */) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
    } else if (c === 34 && field === '') {
      quoted = true;
      i++;
    } else {
      // Plain run up to the next delimiter.
      let j = i;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 44 || d === 10 || d === 13) break;
        j++;
      }
      field += text.slice(i, j);
      i = j;
    }
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records.filter((r) => !(r.length === 1 && r[0]?.trim() === ''));
}

const CSV_COLUMNS = ['at', 'region', 'rttMs', 'ip', 'subnet', 'lat', 'lon', 'city', 'source'];
const COLUMN_BY_LOWER = new Map(CSV_COLUMNS.map((c) => [c.toLowerCase(), c]));

export class CsvHeaderError extends Error {}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** CSV rows → measurement objects; throws CsvHeaderError when the header is unusable. */
export function parseCsv(text: string): ParsedRows {
  const records = splitCsv(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const header = records.shift();
  if (header === undefined) return { rows: [], rejected: [], positions: [] };
  const columns = header.map((h) => COLUMN_BY_LOWER.get(h.trim().toLowerCase()) ?? null);
  const unknown = header.filter((_, i) => columns[i] === null).map((h) => h.trim());
  if (unknown.length > 0) {
    throw new CsvHeaderError(
      `unknown CSV column ${unknown.map((u) => `"${u}"`).join(', ')}: use at,region,rttMs,ip|subnet|lat,lon|city,source`,
    );
  }
  for (const needed of ['region', 'rttMs']) {
    if (!columns.includes(needed)) {
      throw new CsvHeaderError(`the CSV header has no ${needed} column`);
    }
  }
  if (!['ip', 'subnet', 'lat', 'city'].some((c) => columns.includes(c))) {
    throw new CsvHeaderError(
      'the CSV header names no client column (ip, subnet, lat and lon, or city)',
    );
  }
  if (columns.includes('lat') !== columns.includes('lon')) {
    throw new CsvHeaderError('the CSV header needs both lat and lon');
  }
  const out: ParsedRows = { rows: [], rejected: [], positions: [] };
  records.forEach((fields, index) => {
    if (fields.length !== columns.length) {
      out.rejected.push({
        index,
        field: '',
        message: `row ${index + 1} has ${fields.length} fields; the header has ${columns.length}`,
      });
      return;
    }
    const cell: Record<string, string> = {};
    columns.forEach((c, k) => {
      if (c !== null) cell[c] = (fields[k] ?? '').trim();
    });
    const row: Record<string, unknown> = {
      region: cell.region,
      rttMs: cell.rttMs !== undefined && NUMBER.test(cell.rttMs) ? Number(cell.rttMs) : cell.rttMs,
    };
    if (cell.at) row.at = cell.at;
    if (cell.source) row.source = cell.source;
    const num = (v: string | undefined) => (v !== undefined && NUMBER.test(v) ? Number(v) : v);
    if (cell.ip) row.client = { ip: cell.ip };
    else if (cell.subnet) row.client = { subnet: cell.subnet };
    else if (cell.lat || cell.lon) row.client = { lat: num(cell.lat), lon: num(cell.lon) };
    else if (cell.city) row.client = { city: cell.city };
    out.rows.push(row);
    out.positions.push(index);
  });
  return out;
}
