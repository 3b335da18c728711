/** Query keys of the health feature: everything under one root, so one push refreshes it all. */
export const HEALTH_CHECKS_KEY = ['health-checks'] as const;

export const healthCheckListKey = () => [...HEALTH_CHECKS_KEY, 'list'] as const;
export const healthCheckKey = (id: string) => [...HEALTH_CHECKS_KEY, 'detail', id] as const;
export const healthCheckStatusKey = (id: string) => [...HEALTH_CHECKS_KEY, 'status', id] as const;
export const healthTransitionsKey = (zoneId: string) =>
  [...HEALTH_CHECKS_KEY, 'transitions', zoneId] as const;
