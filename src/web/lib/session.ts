/**
 * The operator's API token for this browser tab: kept in sessionStorage (gone when the tab
 * closes), sent only as `Authorization: Bearer` by api-client. Also the "please sign in" signal
 * a 401 raises, which the app turns into the sign-in dialog. No React here: api-client uses it.
 */

export const TOKEN_STORAGE_KEY = 'latency-atlas.token';

export interface SignInRequest {
  /** Why the dialog opened (e.g. the server's 401 message); null when the operator asked. */
  reason: string | null;
}

interface State {
  token: string | null;
  request: SignInRequest | null;
}

function readStoredToken(): string | null {
  try {
    const t = sessionStorage.getItem(TOKEN_STORAGE_KEY);
    return t?.trim() ? t.trim() : null;
  } catch {
    return null;
  }
}

let state: State = {
  token: typeof window === 'undefined' ? null : readStoredToken(),
  request: null,
};
const listeners = new Set<() => void>();

function update(next: Partial<State>): void {
  state = { ...state, ...next };
  for (const l of listeners) l();
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function getSessionState(): State {
  return state;
}

export function getToken(): string | null {
  return state.token;
}

/** Keep `token` for this tab (null: sign out). */
export function setToken(token: string | null): void {
  const t = token?.trim() || null;
  try {
    if (t) sessionStorage.setItem(TOKEN_STORAGE_KEY, t);
    else sessionStorage.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    // Storage refused (private mode): the token lasts for this page only.
  }
  update({ token: t, request: null });
}

/** Ask the app to show the sign-in dialog. */
export function requestSignIn(reason: string | null = null): void {
  update({ request: { reason } });
}

export function dismissSignIn(): void {
  if (state.request) update({ request: null });
}

/**
 * What api-client calls on a 401: a token that was sent is no longer good (revoked, or not a
 * token at all), so it is dropped; either way the operator is asked to sign in.
 */
export function handleUnauthorized(message: string, sentToken: boolean): void {
  if (sentToken) {
    try {
      sessionStorage.removeItem(TOKEN_STORAGE_KEY);
    } catch {
      // ignore
    }
    update({ token: null, request: { reason: message } });
  } else {
    update({ request: { reason: message } });
  }
}
