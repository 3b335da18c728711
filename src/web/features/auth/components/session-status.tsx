import type { Session } from '../../../lib/use-session';

const ROLE_HELP: Record<string, string> = {
  viewer: 'viewer: can read',
  editor: 'editor: can propose changes, and apply them where no approval is needed',
  approver: 'approver: can also approve or reject proposals',
  admin: 'admin: can do everything, including zone settings and direct apply',
};

/** Header corner: who is signed in (name and role), sign in / sign out. */
export function SessionStatus({ session }: { session: Session }) {
  const { token, me, checking } = session;
  if (!token) {
    return (
      <button
        type="button"
        className="button button-quiet"
        onClick={() => session.openSignIn()}
        title="Paste an API token to make changes; reading needs none"
      >
        Sign in
      </button>
    );
  }
  return (
    <div className="session-status">
      {me ? (
        <span className="session-who" title={ROLE_HELP[me.role]}>
          <span className="session-name">{me.name}</span>
          <span className={`role-badge role-${me.role}`}>{me.role}</span>
        </span>
      ) : (
        <span className="muted">{checking ? 'Checking token…' : 'Token not checked'}</span>
      )}
      <button type="button" className="button button-quiet" onClick={session.signOut}>
        Sign out
      </button>
    </div>
  );
}
