import { useId, type ReactNode } from 'react';
import type { z } from 'zod';
import type { FieldError } from '@kwartier/shared';
import { ApiError, ApiUnavailableError } from '../api/client.ts';
import type { Catalogue } from '../i18n/catalogue.ts';
import { useI18n } from '../i18n/I18nContext.tsx';

/**
 * Problems with a form, named as the API names fields (`body.name`, `body.contact.email`),
 * whether the server found them or the shared schema did before sending.
 */
export type Problems = FieldError[];

/** The problems with one field and everything inside it: `contact` holds `body.contact.email`. */
export function problemsAt(problems: Problems, path: string): Problems {
  const field = `body.${path}`;
  return problems.filter((problem) => problem.field === field || problem.field.startsWith(`${field}.`));
}

/** The server's field messages are in English; the ones a person can meet often, in their language. */
export function fieldMessage(message: string, t: Catalogue): string {
  return t.serverMessages[message] ?? message;
}

/**
 * What the shared schema found, as problems in the person's language. The schema is the one the
 * server checks with, so what passes here passes there, and a field is named the same way.
 */
export function schemaProblems(error: z.ZodError, t: Catalogue): Problems {
  return error.issues.map((issue) => {
    const path = issue.path.map(String);
    const field = ['body', ...path].join('.');
    const last = path.at(-1) ?? '';
    const message = (() => {
      // shared/src/messages.ts words a missing value as "required".
      if (issue.message === 'required') return t.problem.required;
      if (issue.code === 'too_small') {
        if (issue.origin === 'array') return t.problem.chooseAtLeast(Number(issue.minimum));
        // An empty text field is a field left open, not one a character too short.
        return Number(issue.minimum) <= 1 ? t.problem.required : t.problem.tooShort(Number(issue.minimum));
      }
      if (issue.code === 'too_big') return t.problem.tooLong(Number(issue.maximum));
      // A choice left open: zod words it as the list of allowed values.
      if (issue.code === 'invalid_value') return t.problem.choose;
      if (last === 'email') return t.problem.email;
      if (last === 'website') return t.problem.website;
      if (last === 'phone') return t.problem.phone;
      if (path.includes('location')) return t.problem.location;
      if (last === 'precision') return t.problem.talentNotExact;
      if (last === 'ends' || last === 'closes') return t.problem.endAfterStart;
      if (last === 'anchorDate') return issue.code === 'custom' && !issue.message.includes('needs') ? t.problem.anchorWeekday : t.problem.date;
      if (last === 'starts' || last === 'opens') return t.problem.time;
      if (last === 'weeksOfMonth') return t.problem.weeksOfMonth;
      if (last === 'category') return t.problem.category;
      return fieldMessage(issue.message, t);
    })();
    return { field, message };
  });
}

/** A sentence for an error that is not about one field: signed out, too many tries, server down. */
export function generalMessage(error: unknown, t: Catalogue): string {
  if (error instanceof ApiUnavailableError) return t.serverDown;
  if (error instanceof ApiError) {
    if (error.status === 401) return t.errors.signInFirst;
    if (error.status === 403) return t.errors.forbidden;
    if (error.status === 404) return t.errors.notFound;
    if (error.status === 409) return t.errors.conflict;
    if (error.status === 429) return t.errors.tooMany(error.retryAfter);
    if (error.status === 400) return error.fields.length > 0 ? t.errors.checkFields : fieldMessage(error.message, t);
    return error.message;
  }
  return t.errors.unknown;
}

/** The field problems an error carries, if any. */
export function problemsOf(error: unknown): Problems {
  return error instanceof ApiError ? error.fields : [];
}

/** The messages under a field, tied to it with aria-describedby by the caller. */
export function FieldProblems({ id, problems }: { id: string; problems: Problems }) {
  const { t } = useI18n();
  if (problems.length === 0) return null;
  return (
    <p id={id} className="field-error">
      {[...new Set(problems.map((problem) => fieldMessage(problem.message, t)))].join('; ')}
    </p>
  );
}

/** A labelled input with its problems: label, control and message in one block. */
export function Field({
  label,
  hint,
  problems,
  children,
}: {
  label: string;
  hint?: string | undefined;
  problems: Problems;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby': string | undefined }) => ReactNode;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, problems.length > 0 ? `${id}-problems` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={problems.length > 0 ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint ? <p id={`${id}-hint`} className="hint">{hint}</p> : null}
      {children({ id, 'aria-invalid': problems.length > 0, 'aria-describedby': describedBy })}
      <FieldProblems id={`${id}-problems`} problems={problems} />
    </div>
  );
}

/** An error announced when it appears; with a list of the fields at fault when there are any. */
export function ErrorSummary({ id, message, problems = [], labels = {} }: { id?: string; message: string | null; problems?: Problems; labels?: Record<string, string> }) {
  const { t } = useI18n();
  if (!message && problems.length === 0) return null;
  return (
    <div role="alert" className="error-summary" id={id} tabIndex={id ? -1 : undefined}>
      {message ? <p>{message}</p> : null}
      {problems.length > 0 ? (
        <ul>
          {problems.map((problem) => {
            const name = problem.field.replace(/^body\./, '');
            const top = Object.keys(labels).filter((key) => name === key || name.startsWith(`${key}.`)).sort((a, b) => b.length - a.length)[0];
            return <li key={`${problem.field}:${problem.message}`}>{top ? `${labels[top]}: ` : `${name}: `}{fieldMessage(problem.message, t)}</li>;
          })}
        </ul>
      ) : null}
    </div>
  );
}
