import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, ApiError, SESSION_ENDED_EVENT } from './api';
import type { Me } from './types';

interface AuthState {
  status: 'loading' | 'signedOut' | 'signedIn';
  me: Me | null;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Reads GET /api/me again (after the person changed their password). */
  reload(): Promise<void>;
  can(permission: string): boolean;
}

const AuthContext = createContext<AuthState | null>(null);

/** Who is signed in, from GET /api/me; the UI offers only what `permissions` allow. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [status, setStatus] = useState<AuthState['status']>('loading');

  const load = useCallback(async () => {
    try {
      const m = await api.get<Me>('/api/me');
      setMe(m);
      setStatus('signedIn');
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) console.error(err);
      setMe(null);
      setStatus('signedOut');
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    const ended = () => {
      setMe(null);
      setStatus('signedOut');
    };
    window.addEventListener(SESSION_ENDED_EVENT, ended);
    return () => window.removeEventListener(SESSION_ENDED_EVENT, ended);
  }, []);

  const value = useMemo<AuthState>(
    () => ({
      status,
      me,
      async signIn(username, password) {
        await api.post('/api/auth/sign-in', { username, password });
        await load();
      },
      async signOut() {
        await api.post('/api/auth/sign-out').catch(() => undefined);
        setMe(null);
        setStatus('signedOut');
      },
      reload: load,
      can: (p) => !!me?.permissions.includes(p),
    }),
    [status, me, load],
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
