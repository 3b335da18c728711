import { describe, expect, it } from 'vitest';
import { sourceLabel } from './candidate-list';

describe('sourceLabel', () => {
  it.each([
    [{ source: 'measured', samples: 1234 }, 'measured · 1,234 samples'],
    [{ source: 'learned', samples: 1 }, 'learned · 1 sample'],
    [{ source: 'distance', samples: 0 }, 'distance'],
  ] as const)('%j → %s', (c, label) => {
    expect(sourceLabel(c)).toBe(label);
  });
});
