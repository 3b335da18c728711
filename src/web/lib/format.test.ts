import { describe, expect, it } from 'vitest';
import { formatAge, formatPercent, formatPopulation, formatTimestamp } from './format';

describe('formats', () => {
  it.each([
    [0, '0%'],
    [0.0004, '<0.1%'],
    [0.045, '4.5%'],
    [0.623, '62%'],
    [1, '100%'],
  ])('share %s → %s', (share, text) => expect(formatPercent(share)).toBe(text));

  it.each([
    [950, '950'],
    [12_345, '12 k'],
    [4_512_000, '4.5 M'],
    [1_204_000_000, '1.20 B'],
  ])('population %s → %s', (n, text) => expect(formatPopulation(n)).toBe(text));

  it('says how long ago, then the date', () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    expect(formatAge('2026-11-30T11:59:50Z', now)).toBe('just now');
    expect(formatAge('2026-11-30T11:55:00Z', now)).toBe('5 min ago');
    expect(formatAge('2026-11-30T09:00:00Z', now)).toBe('3 h ago');
    expect(formatAge('2026-10-01T09:00:00Z', now)).toBe('2026-10-01');
    expect(formatTimestamp('2026-11-30T05:44:12.345Z')).toBe('2026-11-30 05:44 UTC');
  });
});
