import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, ApiError, SESSION_ENDED_EVENT } from './api';
import type { Me } from './types';

/** The last person the server confirmed signed in on this device: whose saved work the field app's outbox shows when nobody is. */
export interface LastUser {
  id: string;
  displayName: string;
  /**
   * Their session was ended (signed out, or the server answered 401): the phone may have changed
   * hands, so their saved work is only counted and named, never shown, until they sign in again.
   */
  ended?: boolean;
}

interface AuthState {
  /**
   * `unreachable`: the session could not be checked (no network, the server down): NOT signed out.
   * Only with `offlineAware` (the field app); otherwise that counts as signed out.
   */
  status: 'loading' | 'signedOut' | 'signedIn' | 'unreachable';
  me: Me | null;
  /** Kept across signing out, so the field app can say whose saved actions still wait on the phone. */
  lastUser: LastUser | null;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Reads GET /api/me again (after the person changed their password, or to check again when unreachable). */
  reload(): Promise<void>;
  can(permission: string): boolean;
}

const AuthContext = createContext<AuthState | null>(null);

const LAST_USER_KEY = 'closeloop:last-user';
/**
 * Set when signing out got no answer (the phone offline): the session cookie is httpOnly, so only
 * the server can end it. Until it has, this device counts as signed out, and the sign-out is sent
 * again before anything else asks who is signed in (otherwise the next check would sign the same
 * person back in, on a phone they may have handed over).
 */
const PENDING_SIGN_OUT_KEY = 'closeloop:sign-out-pending';
/** While the session cannot be checked, how often it is checked again (also on reconnecting and on reopening the app). */
export const UNREACHABLE_RECHECK_MS = 15_000;
/** A session check (or a sign-out) with no answer by then counts as no answer: unreachable, not stuck loading. */
export const SESSION_CHECK_TIMEOUT_MS = 15_000;
const CHECK = { timeoutMs: SESSION_CHECK_TIMEOUT_MS };

function readLastUser(): LastUser | null {
  try {
    const v = JSON.parse(localStorage.getItem(LAST_USER_KEY) ?? 'null') as LastUser | null;
    return v && typeof v.id === 'string' && typeof v.displayName === 'string' ? { id: v.id, displayName: v.displayName, ended: v.ended === true } : null;
  } catch {
    return null;
  }
}

function writeLastUser(u: LastUser) {
  try {
    localStorage.setItem(LAST_USER_KEY, JSON.stringify(u));
  } catch {
    /* storage refused (private mode, full): the outbox then shows nothing while signed out */
  }
}

function pendingSignOut(): boolean {
  try {
    return localStorage.getItem(PENDING_SIGN_OUT_KEY) !== null;
  } catch {
    return false;
  }
}

function setPendingSignOut(on: boolean) {
  try {
    if (on) localStorage.setItem(PENDING_SIGN_OUT_KEY, '1');
    else localStorage.removeItem(PENDING_SIGN_OUT_KEY);
  } catch {
    /* storage refused: the sign-out is then only as good as its one attempt */
  }
}

/** A failure that says nothing about the session: no answer, or the server (or the service worker offline) could not give one. */
function noAnswer(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return err.status === 0 || err.status === 408 || err.status === 429 || err.status >= 500;
}

/**
 * Who is signed in, from GET /api/me; the UI offers only what `permissions` allow. With
 * `offlineAware` (the field app), a check that got no answer is `unreachable`, not signed out:
 * a phone out of signal must not lose sight of the work saved on it. Only the server's 401 (or
 * signing out) signs out.
 */
export function AuthProvider({ children, offlineAware = false }: { children: ReactNode; offlineAware?: boolean }) {
  const [me, setMe] = useState<Me | null>(null);
  const [status, setStatus] = useState<AuthState['status']>('loading');
  const [lastUser, setLastUser] = useState<LastUser | null>(readLastUser);
  /** The last person's session ended: from now on their saved work is not shown (LastUser.ended). */
  const endLastUser = useCallback(() => {
    const last = readLastUser();
    if (!last || last.ended) return;
    const ended = { ...last, ended: true };
    writeLastUser(ended);
    setLastUser(ended);
  }, []);

  const load = useCallback(async () => {
    // A sign-out that never reached the server goes first: asked before it, /api/me would answer
    // with the session that was meant to end.
    if (pendingSignOut()) {
      try {
        await api.post('/api/auth/sign-out', undefined, CHECK);
      } catch (err) {
        if (noAnswer(err)) {
          setMe(null);
          setStatus(offlineAware ? 'unreachable' : 'signedOut');
          return;
        }
      }
      setPendingSignOut(false);
    }
    try {
      const m = await api.get<Me>('/api/me', undefined, CHECK);
      const last = { id: m.user.id, displayName: m.user.displayName, ended: false };
      writeLastUser(last);
      setLastUser(last);
      setMe(m);
      setStatus('signedIn');
    } catch (err) {
      setMe(null);
      if (offlineAware && noAnswer(err)) {
        setStatus('unreachable');
        return;
      }
      if (err instanceof ApiError && err.status !== 401) console.error(err);
      if (err instanceof ApiError && err.status === 401) endLastUser();
      setStatus('signedOut');
    }
  }, [offlineAware, endLastUser]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    const ended = () => {
      endLastUser();
      setMe(null);
      setStatus('signedOut');
    };
    window.addEventListener(SESSION_ENDED_EVENT, ended);
    return () => window.removeEventListener(SESSION_ENDED_EVENT, ended);
  }, [endLastUser]);

  // Out of reach: check again when the connection returns, the app is reopened, and now and then.
  useEffect(() => {
    if (status !== 'unreachable') return;
    const again = () => void load();
    const visible = () => document.visibilityState === 'visible' && again();
    window.addEventListener('online', again);
    document.addEventListener('visibilitychange', visible);
    // Only while someone can see the app and the phone has a network: hidden or offline, the two
    // events above do the checking, and the phone is not woken every 15 s for nothing.
    const timer = setInterval(() => document.visibilityState === 'visible' && navigator.onLine !== false && again(), UNREACHABLE_RECHECK_MS);
    return () => {
      window.removeEventListener('online', again);
      document.removeEventListener('visibilitychange', visible);
      clearInterval(timer);
    };
  }, [status, load]);

  // The cookie is the browser's, not the tab's: someone signing in as another person in another tab
  // changes whose session this tab sends with. Until it is checked again, this tab is nobody's.
  useEffect(() => {
    const changed = (e: StorageEvent) => {
      if (e.key !== LAST_USER_KEY) return;
      const next = readLastUser();
      setLastUser(next);
      if (me && next?.id !== me.user.id) {
        setMe(null);
        setStatus('loading');
        void load();
      }
    };
    window.addEventListener('storage', changed);
    return () => window.removeEventListener('storage', changed);
  }, [me, load]);

  const value = useMemo<AuthState>(
    () => ({
      status,
      me,
      lastUser,
      async signIn(username, password) {
        if (pendingSignOut()) await api.post('/api/auth/sign-out').catch(() => undefined);
        await api.post('/api/auth/sign-in', { username, password });
        // The new session replaced the cookie: a sign-out still pending would end it, not the old one.
        setPendingSignOut(false);
        await load();
      },
      async signOut() {
        await api.post('/api/auth/sign-out', undefined, CHECK).catch((err: unknown) => {
          if (noAnswer(err)) setPendingSignOut(true);
        });
        endLastUser();
        setMe(null);
        setStatus('signedOut');
      },
      reload: load,
      can: (p) => !!me?.permissions.includes(p),
    }),
    [status, me, lastUser, load, endLastUser],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in person; only for components rendered behind a sign-in guard. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe while signed out');
  return me;
}
