import { queryOptions, useQuery } from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';
import { type MeResponse, MeResponseSchema } from '../../shared/auth';
import { apiFetch } from './api-client';
import type { Viewer } from './permissions';
import {
  dismissSignIn,
  getSessionState,
  requestSignIn,
  type SignInRequest,
  setToken,
  subscribeSession,
} from './session';

/** GET /api/me with `token`: who it belongs to (401 when it is not a valid token). */
export function getMe(token: string, signal?: AbortSignal): Promise<MeResponse> {
  return apiFetch('/me', { signal, token }, MeResponseSchema);
}

export function getMeQueryOptions(token: string | null) {
  return queryOptions({
    queryKey: ['me', token] as const,
    // The session's own token (not an override): a 401 here drops it and asks to sign in again.
    queryFn: ({ signal }) => apiFetch('/me', { signal }, MeResponseSchema),
    enabled: token !== null,
    staleTime: 60_000,
  });
}

export interface Session {
  token: string | null;
  /** Who the token belongs to, once /api/me answered. */
  me: MeResponse | null;
  /** The /api/me call is under way. */
  checking: boolean;
  /** For the permission checks: no role until /api/me answered. */
  viewer: Viewer;
  signIn: (token: string) => void;
  signOut: () => void;
  /** A pending request to show the sign-in dialog (e.g. after a 401). */
  request: SignInRequest | null;
  openSignIn: (reason?: string | null) => void;
  closeSignIn: () => void;
}

/** The operator's token, identity and the sign-in prompt, for any component. */
export function useSession(): Session {
  const state = useSyncExternalStore(subscribeSession, getSessionState, getSessionState);
  const me = useQuery(getMeQueryOptions(state.token));
  const data = state.token && me.data ? me.data : null;
  const signIn = useCallback((token: string) => setToken(token), []);
  const signOut = useCallback(() => setToken(null), []);
  const openSignIn = useCallback((reason: string | null = null) => requestSignIn(reason), []);
  return {
    token: state.token,
    me: data,
    checking: state.token !== null && me.isPending,
    viewer: { name: data?.name ?? null, role: data?.role ?? null },
    signIn,
    signOut,
    request: state.request,
    openSignIn,
    closeSignIn: dismissSignIn,
  };
}
