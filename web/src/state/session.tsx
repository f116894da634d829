import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { can, type Permission, type Session, type User } from '@kwartier/shared';
import { getSession, logOut } from '../api/accounts.ts';
import { onUnauthenticated, setCsrfToken } from '../api/client.ts';

type SessionState = {
  /** The signed-in person, or null; undefined until the first answer of /api/auth/session. */
  user: User | null | undefined;
  /** After sign-up or sign-in: the answer holds the user and the CSRF token for writes. */
  signedIn: (session: Session) => void;
  signOut: () => Promise<void>;
  /** The session ended on the server (account deleted, expired): forget it here too. */
  forget: () => void;
  /** Asks the server again who is signed in: after a password reset every session ends. */
  refresh: () => Promise<void>;
  may: (permission: Permission) => boolean;
};

const SessionContext = createContext<SessionState>({
  user: undefined,
  signedIn: () => {},
  signOut: async () => {},
  forget: () => {},
  refresh: async () => {},
  may: () => false,
});

/** Who is signed in, for the whole app: loaded once at the start, changed by signing in and out. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);

  const signedIn = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setUser(session.user);
  }, []);
  const forget = useCallback(() => {
    setCsrfToken(null);
    setUser(null);
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    getSession(controller.signal).then(signedIn, (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setUser(null);
    });
    onUnauthenticated(forget);
    return () => {
      controller.abort();
      onUnauthenticated(null);
    };
  }, [signedIn, forget]);

  const signOut = useCallback(async () => {
    try {
      await logOut();
    } finally {
      forget();
    }
  }, [forget]);

  const refresh = useCallback(async () => {
    signedIn(await getSession());
  }, [signedIn]);

  const value = useMemo<SessionState>(
    () => ({ user, signedIn, signOut, forget, refresh, may: (permission) => can(user?.roles, permission) }),
    [user, signedIn, signOut, forget, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);
