import { useEffect, useRef, useState } from 'react';
import { LoginSchema, MIN_PASSWORD_LENGTH, PasswordResetRequestSchema, SignupSchema } from '@kwartier/shared';
import { confirmPasswordReset, logIn, requestPasswordReset, signUp } from '../../api/accounts.ts';
import { ApiError } from '../../api/client.ts';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { useSession } from '../../state/session.tsx';
import { ErrorSummary, Field, generalMessage, problemsAt, problemsOf, schemaProblems, type Problems } from '../../components/forms.tsx';

type Mode = 'signin' | 'signup' | 'forgot';

type Props = {
  /** From the e-mail link: the token to choose a new password with. */
  resetToken: string | null;
  /** Signed in: on to where the person was going. */
  onDone: () => void;
  /** The new password is set: the token leaves the URL. */
  onResetDone: () => void;
};

/** Sign in, make an account, ask for a reset link, or choose a new password from that link. */
export function LoginPage({ resetToken, onDone, onResetDone }: Props) {
  const { t } = useI18n();
  const { user, signedIn, signOut, refresh } = useSession();
  const [mode, setMode] = useState<Mode>('signin');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [problems, setProblems] = useState<Problems>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, [mode, resetToken]);

  const switchTo = (next: Mode) => {
    setMode(next);
    setProblems([]);
    setMessage(null);
    setNotice(null);
  };

  /** Runs a request; maps its failure to the messages a person can act on. */
  const attempt = async (run: () => Promise<void>, explain: (error: ApiError) => string | null = () => null) => {
    setBusy(true);
    setMessage(null);
    setNotice(null);
    try {
      await run();
    } catch (err) {
      setProblems(problemsOf(err));
      setMessage((err instanceof ApiError ? explain(err) : null) ?? generalMessage(err, t));
    } finally {
      setBusy(false);
    }
  };

  const checked = (result: { success: true } | { success: false; error: Parameters<typeof schemaProblems>[0] }) => {
    const found = result.success ? [] : schemaProblems(result.error, t);
    setProblems(found);
    if (found.length > 0) setMessage(t.errors.checkFields);
    return found.length === 0;
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (resetToken) {
      const found = password.length < MIN_PASSWORD_LENGTH ? [{ field: 'body.password', message: t.problem.tooShort(MIN_PASSWORD_LENGTH) }] : [];
      if (password !== repeat) found.push({ field: 'body.repeat', message: t.account.passwordsDiffer });
      setProblems(found);
      if (found.length > 0) return setMessage(t.errors.checkFields);
      return attempt(async () => {
        await confirmPasswordReset(resetToken, password);
        // The reset ended every session of that account, perhaps this one too.
        await refresh().catch(() => {});
        setPassword('');
        setRepeat('');
        setMode('signin');
        onResetDone();
        setNotice(t.account.passwordChanged);
      }, (error) => {
        if (error.status !== 400 || !error.fields.some((f) => f.field === 'body.token')) return null;
        // A dead link: off it, and on to the form that sends a new one, with the address to fill in.
        onResetDone();
        setMode('forgot');
        setPassword('');
        setRepeat('');
        return t.account.resetLinkInvalid;
      });
    }
    if (mode === 'signin') {
      if (!checked(LoginSchema.safeParse({ email, password }))) return;
      return attempt(async () => {
        signedIn(await logIn({ email, password }));
        onDone();
      }, (error) => (error.status === 401 ? t.account.wrongCredentials : error.status === 429 ? t.account.tooManyTries(error.retryAfter) : null));
    }
    if (mode === 'signup') {
      if (!checked(SignupSchema.safeParse({ email, password, displayName }))) return;
      return attempt(async () => {
        signedIn(await signUp({ email, password, displayName }));
        onDone();
      }, (error) => (error.status === 409 ? t.account.emailTaken : error.status === 429 ? t.account.tooManyTries(error.retryAfter) : null));
    }
    if (!checked(PasswordResetRequestSchema.safeParse({ email }))) return;
    return attempt(async () => {
      await requestPasswordReset(email);
      setNotice(t.account.resetSent(email));
    }, (error) => (error.status === 429 ? t.account.tooManyTries(error.retryAfter) : null));
  };

  if (user && !resetToken) {
    return (
      <section className="page" aria-labelledby="login-title">
        <h2 id="login-title" tabIndex={-1} ref={heading}>{t.account.signedInTitle}</h2>
        <p>{t.account.signedInAs(user.displayName, user.email)}</p>
        <div className="actions">
          <button type="button" className="primary" onClick={onDone}>{t.account.continue}</button>
          <button type="button" className="secondary" onClick={() => void signOut()}>{t.account.signOut}</button>
        </div>
      </section>
    );
  }

  const title = resetToken ? t.account.newPasswordTitle : mode === 'signin' ? t.account.signInTitle : mode === 'signup' ? t.account.signUpTitle : t.account.forgotTitle;
  const labels = { email: t.account.email, password: t.account.password, displayName: t.account.displayName, repeat: t.account.repeatPassword, token: t.account.resetLink };
  return (
    <section className="page login" aria-labelledby="login-title">
      <h2 id="login-title" tabIndex={-1} ref={heading}>{title}</h2>
      {notice ? <p role="status" className="notice">{notice}</p> : null}
      {resetToken ? <p className="hint">{t.account.newPasswordIntro}</p> : mode === 'signup' ? <p className="hint">{t.account.signUpIntro}</p> : mode === 'forgot' ? <p className="hint">{t.account.forgotIntro}</p> : <p className="hint">{t.account.signInIntro}</p>}
      <form onSubmit={submit} noValidate>
        {mode === 'signup' && !resetToken ? (
          <Field label={t.account.displayName} hint={t.account.displayNameHint} problems={problemsAt(problems, 'displayName')}>
            {(props) => <input {...props} type="text" autoComplete="nickname" value={displayName} maxLength={80} onChange={(event) => setDisplayName(event.target.value)} />}
          </Field>
        ) : null}
        {!resetToken ? (
          <Field label={t.account.email} problems={problemsAt(problems, 'email')}>
            {(props) => <input {...props} type="email" autoComplete="email" value={email} maxLength={254} onChange={(event) => setEmail(event.target.value)} />}
          </Field>
        ) : null}
        {mode !== 'forgot' || resetToken ? (
          <Field
            label={resetToken ? t.account.newPassword : t.account.password}
            hint={resetToken || mode === 'signup' ? t.account.passwordHint(MIN_PASSWORD_LENGTH) : undefined}
            problems={problemsAt(problems, 'password')}
          >
            {(props) => (
              <input {...props} type="password" autoComplete={mode === 'signin' && !resetToken ? 'current-password' : 'new-password'} value={password} maxLength={200}
                onChange={(event) => setPassword(event.target.value)} />
            )}
          </Field>
        ) : null}
        {resetToken ? (
          <Field label={t.account.repeatPassword} problems={problemsAt(problems, 'repeat')}>
            {(props) => <input {...props} type="password" autoComplete="new-password" value={repeat} maxLength={200} onChange={(event) => setRepeat(event.target.value)} />}
          </Field>
        ) : null}
        <ErrorSummary message={message} problems={problems.filter((problem) => !['body.email', 'body.password', 'body.displayName', 'body.repeat', 'body.token'].includes(problem.field))} labels={labels} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {resetToken ? t.account.setPassword : mode === 'signin' ? t.account.signIn : mode === 'signup' ? t.account.signUp : t.account.sendLink}
          </button>
        </div>
      </form>
      {!resetToken ? (
        <nav className="login-switch" aria-label={t.account.otherOptions}>
          {mode !== 'signin' ? <button type="button" className="link" onClick={() => switchTo('signin')}>{t.account.haveAccount}</button> : null}
          {mode !== 'signup' ? <button type="button" className="link" onClick={() => switchTo('signup')}>{t.account.noAccount}</button> : null}
          {mode !== 'forgot' ? <button type="button" className="link" onClick={() => switchTo('forgot')}>{t.account.forgot}</button> : null}
        </nav>
      ) : null}
    </section>
  );
}
