import { z } from 'zod';
import type { Label } from './taxonomy.ts';
import { pageParams } from './geo.ts';

/**
 * Who may do what. The web app reads this table to decide which buttons to show; the server
 * reads the same table to decide what to allow, and only the server's answer counts.
 */
export const ROLES = [
  { code: 'resident', label: { nl: 'Bewoner', en: 'Resident' },
    description: { nl: 'Zet een initiatief of talent op de kaart en past het aan', en: 'Adds an initiative or talent and edits it' } },
  { code: 'professional', label: { nl: 'Professional', en: 'Professional' },
    description: { nl: 'Sociaal werker: ziet wat bewoners met professionals delen', en: 'Social worker: sees what residents share with professionals' } },
  { code: 'moderator', label: { nl: 'Moderator', en: 'Moderator' },
    description: { nl: 'Controleert aanmeldingen en meldingen', en: 'Reviews submissions and reports' } },
  { code: 'analyst', label: { nl: 'Analist', en: 'Analyst' },
    description: { nl: 'Gemeente: buurtscan, wijkanalyse en wijkagenda', en: 'Municipality: buurtscan, district analysis and agenda' } },
  { code: 'admin', label: { nl: 'Beheerder', en: 'Administrator' },
    description: { nl: 'Beheert accounts en rollen', en: 'Manages accounts and roles' } },
] as const satisfies ReadonlyArray<{ code: string; label: Label; description: Label }>;

export const ROLE_CODES = ROLES.map((role) => role.code) as ['resident', 'professional', 'moderator', 'analyst', 'admin'];
export type Role = (typeof ROLE_CODES)[number];
export const RoleSchema = z.enum(ROLE_CODES);

/** Everything a signed-in person may be allowed to do, and the roles that allow it. */
export const PERMISSIONS = {
  /** Submit an entry, edit and withdraw one's own, ask a talent for contact. */
  contribute: ['resident', 'professional', 'moderator', 'analyst', 'admin'],
  /** See contact details that residents chose to share with professionals only. */
  seeSharedWithProfessionals: ['professional', 'moderator', 'admin'],
  /** Review the queue: approve, ask for changes, reject, archive; see every entry whole. */
  moderate: ['moderator', 'admin'],
  /** Keep the sociale wijkagenda: add and change agenda items. */
  keepAgenda: ['professional', 'analyst', 'admin'],
  /** Enter per-buurt figures for the spreading policy, set the score weights, see the scores. */
  analyse: ['analyst', 'admin'],
  /** Grant roles and read the audit log. */
  manageAccounts: ['admin'],
  /** Load and replace a year's CBS areas: everything on the map is counted by them. */
  manageAreas: ['admin'],
  /** Search talents for an ask (anonymously), propose matches, also for a client without an account. */
  matchOnBehalf: ['professional', 'moderator', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function can(roles: readonly Role[] | undefined, permission: Permission): boolean {
  return roles !== undefined && roles.some((role) => (PERMISSIONS[permission] as readonly Role[]).includes(role));
}

/** What the person consents to, word for word; the version is stored with the consent. */
export const CONSENT_TEXTS = {
  publish: {
    version: '2026-11-28',
    text: {
      nl: 'Ik geef toestemming om wat hierboven als openbaar staat op de kaart te tonen, en om wat ik met professionals deel aan ingelogde professionals te tonen. Mijn precieze adres, e-mailadres en telefoonnummer worden niet openbaar. Ik kan dit altijd aanpassen of intrekken.',
      en: 'I consent to showing what is marked public above on the map, and what I share with professionals to signed-in professionals. My exact address, e-mail address and phone number are not made public. I can change or withdraw this at any time.',
    },
  },
  shareContact: {
    version: '2026-11-28',
    text: {
      nl: 'Ik geef toestemming om mijn naam en e-mailadres te delen met deze persoon, en alleen met deze persoon.',
      en: 'I consent to sharing my name and e-mail address with this person, and with this person only.',
    },
  },
  matchContact: {
    version: '2026-11-30',
    text: {
      nl: 'Ik geef toestemming om mijn naam en e-mailadres te delen met de andere kant van deze match, zodra beide kanten ja hebben gezegd, en alleen zolang niemand de match intrekt.',
      en: 'I consent to sharing my name and e-mail address with the other side of this match once both sides said yes, and only as long as nobody withdraws it.',
    },
  },
  clientMatch: {
    version: '2026-11-30',
    text: {
      nl: 'Mijn cliënt heeft mij toestemming gegeven om namens hem of haar deze match voor te stellen. Ik ben het aanspreekpunt; ik noem mijn cliënt in Kwartier alleen bij initialen of een schuilnaam.',
      en: 'My client has given me consent to propose this match on their behalf. I am the contact; in Kwartier I name my client only by initials or a pseudonym.',
    },
  },
} as const satisfies Record<string, { version: string; text: Label }>;
export type ConsentPurpose = keyof typeof CONSENT_TEXTS;

/** A consent as a client gives it: the version of the wording it was shown. */
export const ConsentGivenSchema = z
  .object({ version: z.string().min(1).max(40) })
  .strict();

const EmailSchema = z
  .email({ message: 'expected an e-mail address' })
  .max(254)
  .transform((email) => email.trim().toLowerCase());

export const MIN_PASSWORD_LENGTH = 10;
const PasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `use at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200, 'use at most 200 characters');

export const SignupSchema = z
  .object({
    email: EmailSchema,
    password: PasswordSchema,
    displayName: z.string().trim().min(1).max(80),
  })
  .strict();
export type Signup = z.infer<typeof SignupSchema>;

export const LoginSchema = z
  .object({
    email: EmailSchema,
    password: z.string().min(1).max(200),
  })
  .strict();
export type Login = z.infer<typeof LoginSchema>;

export const PasswordResetRequestSchema = z.object({ email: EmailSchema }).strict();
export const PasswordResetConfirmSchema = z
  .object({ token: z.string().min(20).max(200), password: PasswordSchema })
  .strict();

export const AccountDeleteSchema = z.object({ password: z.string().min(1).max(200) }).strict();

export const UserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(RoleSchema),
  createdAt: z.iso.datetime(),
});
export type User = z.infer<typeof UserSchema>;

/** Who is signed in, and the token that cookie-authenticated writes must echo. */
export const SessionSchema = z.object({
  user: UserSchema.nullable(),
  /** Send this back in the `x-csrf-token` header on every POST, PATCH, PUT and DELETE. */
  csrfToken: z.string().nullable(),
});
export type Session = z.infer<typeof SessionSchema>;

export const RolesUpdateSchema = z
  .object({
    roles: z
      .array(RoleSchema)
      .min(1)
      .refine((roles) => new Set(roles).size === roles.length, { message: 'values must not repeat' }),
  })
  .strict();

export const UserIdParamsSchema = z.object({ id: z.uuid({ message: 'expected a user id (a UUID)' }) }).strict();

export const UserListQuerySchema = z
  .object({
    q: z.string().trim().min(1).max(200).optional(),
    ...pageParams(100, 50),
  })
  .strict();

export const UserPageSchema = z.object({ items: z.array(UserSchema), total: z.number().int() });

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.iso.datetime(),
  action: z.string(),
  outcome: z.enum(['success', 'failure', 'denied']),
  actorId: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQuerySchema = z
  .object({
    action: z.string().trim().min(1).max(80).optional(),
    ...pageParams(200, 50),
  })
  .strict();
