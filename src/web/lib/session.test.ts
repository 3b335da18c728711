import { afterEach, describe, expect, it } from 'vitest';
import {
  dismissSignIn,
  getSessionState,
  getToken,
  handleUnauthorized,
  requestSignIn,
  setToken,
  subscribeSession,
} from './session';

describe('session token store', () => {
  afterEach(() => setToken(null));

  it('keeps a trimmed token, notifies, and signs out', () => {
    let calls = 0;
    const off = subscribeSession(() => calls++);
    setToken('  la_secret \n');
    expect(getToken()).toBe('la_secret');
    setToken(null);
    expect(getToken()).toBeNull();
    off();
    expect(calls).toBe(2);
  });

  it('asks to sign in on request and on a 401; a refused token is dropped', () => {
    requestSignIn();
    expect(getSessionState().request).toEqual({ reason: null });
    dismissSignIn();
    expect(getSessionState().request).toBeNull();

    setToken('la_revoked');
    handleUnauthorized('the API token "alice" was revoked', true);
    expect(getToken()).toBeNull();
    expect(getSessionState().request?.reason).toContain('revoked');

    setToken('la_fine');
    handleUnauthorized('proposing a change needs an API token', false);
    expect(getToken()).toBe('la_fine');
    expect(getSessionState().request?.reason).toContain('needs an API token');
  });
});
