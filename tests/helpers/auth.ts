import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Role, User } from '@kwartier/shared';
import { createUser, startSession } from '../../server/src/modules/accounts/accounts.service.ts';

/** A signed-in person in a test: requests carry their session cookie and CSRF token. */
export type Agent = {
  user: User;
  email: string;
  password: string;
  cookie: string;
  csrfToken: string;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
};

export const TEST_PASSWORD = 'een lang wachtwoord 42';

/** Sends requests as the holder of a session cookie, with its CSRF token on writes. */
export function agentWith(app: FastifyInstance, user: User, cookie: string, csrfToken: string, password = TEST_PASSWORD): Agent {
  return {
    user,
    email: user.email,
    password,
    cookie,
    csrfToken,
    inject: (options) =>
      app.inject({
        ...options,
        headers: { ...(options.headers ?? {}), cookie: `kw_session=${cookie}`, 'x-csrf-token': csrfToken },
      }),
  };
}

/** A new account with these roles, signed in. Each call makes a new person. */
export async function signedIn(app: FastifyInstance, roles: Role[] = ['resident'], name: string = roles.at(-1) ?? 'resident'): Promise<Agent> {
  const email = `${name}-${randomUUID().slice(0, 8)}@test.kwartier.nl`;
  const user = await createUser(app.db, { email, password: TEST_PASSWORD, displayName: `Test ${name}` }, [...new Set<Role>(['resident', ...roles])]);
  const { token, csrfToken } = await startSession(app.db, user.id);
  return agentWith(app, user, token, csrfToken);
}

/** The session cookie a response set, or undefined. */
export function sessionCookieOf(response: LightMyRequestResponse): string | undefined {
  return response.cookies.find((c) => c.name === 'kw_session')?.value;
}
