/**
 * Split a measurements CSV (header `at,region,rttMs,ip|subnet|lat,lon|city,source`) into
 * requests of at most `maxRows` data rows, each with the header, without parsing fields: the
 * server validates and names bad rows. Blank lines are dropped; CRLF is kept as LF. A quoted
 * field spanning lines is not supported (the format has no free text that needs it).
 */

export interface CsvChunk {
  /** Header + rows, LF-separated, ready to POST as text/csv. */
  text: string;
  /** Data rows in this chunk. */
  rows: number;
  /** Index of the chunk's first data row in the whole file (0-based, as the server counts). */
  firstRow: number;
}

export interface CsvSplit {
  header: string;
  chunks: CsvChunk[];
  totalRows: number;
}

/** Most rows the dashboard sends per request (the API takes up to 100,000). */
export const CSV_CHUNK_ROWS = 10_000;

export function splitCsv(text: string, maxRows = CSV_CHUNK_ROWS): CsvSplit {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let h = 0;
  while (h < lines.length && (lines[h] ?? '').trim() === '') h++;
  const header = (lines[h] ?? '').trim();
  const rows: string[] = [];
  for (let i = h + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() !== '') rows.push(line);
  }
  const size = Math.max(1, Math.floor(maxRows));
  const chunks: CsvChunk[] = [];
  for (let start = 0; start < rows.length; start += size) {
    const part = rows.slice(start, start + size);
    chunks.push({ text: `${header}\n${part.join('\n')}\n`, rows: part.length, firstRow: start });
  }
  return { header, chunks, totalRows: rows.length };
}

/** What the header lacks to be a measurements CSV (null when it looks right). */
export function csvHeaderProblem(header: string): string | null {
  if (header === '') return 'The file is empty.';
  const cols = header.split(',').map((c) => c.trim().toLowerCase());
  const missing = ['region', 'rttms'].filter((c) => !cols.includes(c));
  if (missing.length)
    return `The header has no ${missing.join(' or ')} column (expected at,region,rttMs,ip|subnet|lat,lon|city,source).`;
  const client = ['ip', 'subnet', 'lat', 'city'].some((c) => cols.includes(c));
  if (!client) return 'The header names no client column: ip, subnet, lat and lon, or city.';
  return null;
}
