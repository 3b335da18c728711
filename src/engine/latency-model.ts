import type { LatencyModel } from './types';

/** Estimated RTT from great-circle distance (id `distance-v1`). */
export const distanceLatencyModel: LatencyModel = {
  id: 'distance-v1',
  estimate() {
    throw new Error('todo');
  },
};
