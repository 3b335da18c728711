import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api-client';
import { isUpstreamError, upstreamDetailField } from './upstream-errors';

describe('isUpstreamError', () => {
  it.each([
    [
      new ApiError(409, 'UpstreamDrift', 'differs', [{ field: 'www.x. A', message: 'differs' }]),
      true,
    ],
    [new ApiError(502, 'UpstreamUnavailable', 'down; the local zone was not changed'), true],
    [new ApiError(502, 'UpstreamRefused', 'refused'), true],
    [
      new ApiError(
        400,
        'InvalidChangeBatch',
        'upstream Route 53 refused the batch; nothing was changed: x',
        [{ change: 0, field: 'ResourceRecordSet', message: 'upstream: bad' }],
      ),
      true,
    ],
    [
      new ApiError(400, 'InvalidChangeBatch', '1 change is invalid', [
        { change: 0, field: 'ResourceRecordSet.TTL', message: 'TTL must be a number' },
      ]),
      false,
    ],
    [new Error('plain'), false],
  ])('%s → %s', (err, expected) => {
    expect(isUpstreamError(err)).toBe(expected);
  });

  it('shows a field only where it names one', () => {
    expect(upstreamDetailField({ field: 'www.x. A', message: 'differs' })).toBe('www.x. A');
    expect(upstreamDetailField({ field: 'upstream', message: 'bad' })).toBeNull();
    expect(
      upstreamDetailField({ field: 'ResourceRecordSet', message: 'upstream: bad' }),
    ).toBeNull();
  });
});
