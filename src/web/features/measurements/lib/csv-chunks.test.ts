import { describe, expect, it } from 'vitest';
import { csvHeaderProblem, splitCsv } from './csv-chunks';

const HEADER = 'at,region,rttMs,lat,lon,source';
const row = (i: number) => `2026-11-30T12:00:00Z,eu-west-1,${20 + i},51.5,-0.12,probe`;

describe('splitCsv', () => {
  it('splits data rows into chunks of at most maxRows, the header on each', () => {
    const text = [HEADER, ...Array.from({ length: 25 }, (_, i) => row(i))].join('\n');
    const split = splitCsv(text, 10);
    expect(split.totalRows).toBe(25);
    expect(split.chunks.map((c) => [c.rows, c.firstRow])).toEqual([
      [10, 0],
      [10, 10],
      [5, 20],
    ]);
    for (const c of split.chunks) expect(c.text.split('\n')[0]).toBe(HEADER);
    expect(split.chunks[2]?.text).toBe(`${HEADER}\n${[20, 21, 22, 23, 24].map(row).join('\n')}\n`);
  });

  it('drops blank lines, a BOM and CR, so row indexes match what the server counts', () => {
    const split = splitCsv(`\uFEFF${HEADER}\r\n${row(0)}\r\n\r\n${row(1)}\r\n`, 10_000);
    expect(split.header).toBe(HEADER);
    expect(split.totalRows).toBe(2);
    expect(split.chunks).toHaveLength(1);
    expect(split.chunks[0]?.text).toBe(`${HEADER}\n${row(0)}\n${row(1)}\n`);
  });

  it('has no chunks for a header alone or an empty file', () => {
    expect(splitCsv(HEADER).chunks).toEqual([]);
    expect(splitCsv('').totalRows).toBe(0);
  });
});

describe('csvHeaderProblem', () => {
  it.each([
    ['at,region,rttMs,ip,source', null],
    ['at,region,rttMs,city', null],
    ['at,region,rttMs,lat,lon', null],
    ['', 'The file is empty.'],
    ['at,region,ip', /no rttms column/],
    ['at,region,rttMs,source', /no client column/],
  ])('%s', (header, expected) => {
    const problem = csvHeaderProblem(header);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});
