import { z } from 'zod';
import { pageParams } from './geo.ts';
import { AreaCodeSchema, AssetKindSchema, AssetStatusSchema, ManagedAssetSchema } from './asset.ts';
import type { AssetStatus } from './taxonomy.ts';
import type { Label } from './taxonomy.ts';
import { ConsentGivenSchema } from './account.ts';

/**
 * Submitting and moderating: how a resident's entry reaches the map, and the record of every
 * change to it. The states an entry moves through are the asset statuses in the taxonomy.
 */

/** What happened to an entry, as its history lists it. */
export const VERSION_ACTIONS = [
  'submitted',
  'edited',
  'resubmitted',
  'approved',
  'changes_requested',
  'rejected',
  'withdrawn',
  'archived',
  'hidden_after_reports',
  'imported',
] as const;
export type VersionAction = (typeof VERSION_ACTIONS)[number];

export const AssetVersionSchema = z.object({
  version: z.number().int().positive(),
  action: z.enum(VERSION_ACTIONS),
  /** Null when the person who made the change has deleted their account, or for imports. */
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  /** Each changed field with its value before and after. */
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  message: z.string().nullable(),
  at: z.iso.datetime(),
});
export type AssetVersion = z.infer<typeof AssetVersionSchema>;

/**
 * A moderator's decisions: from which statuses each may be taken, where it leads, the path of
 * its route and whether the author must be told why. The server enforces this table; the web
 * app offers only the decisions it allows.
 */
export const MODERATION_DECISIONS = {
  // From published too: a reported entry a moderator looked at and keeps, its reports closed.
  approve: { path: 'approve', from: ['pending', 'hidden', 'changes_requested', 'published'], to: 'published', action: 'approved', needsMessage: false },
  request_changes: { path: 'request-changes', from: ['pending', 'hidden', 'published'], to: 'changes_requested', action: 'changes_requested', needsMessage: true },
  reject: { path: 'reject', from: ['pending', 'hidden', 'changes_requested', 'published'], to: 'rejected', action: 'rejected', needsMessage: true },
  archive: { path: 'archive', from: ['draft', 'pending', 'changes_requested', 'published', 'hidden', 'rejected'], to: 'archived', action: 'archived', needsMessage: false },
} as const satisfies Record<string, { path: string; from: readonly AssetStatus[]; to: AssetStatus; action: VersionAction; needsMessage: boolean }>;
export type ModerationDecision = keyof typeof MODERATION_DECISIONS;

/** A moderator's message to the author: required when asking for a change or rejecting. */
export const ModerationMessageSchema = z.object({ message: z.string().trim().min(3).max(2000) }).strict();
export const ApproveSchema = z.object({ message: z.string().trim().min(1).max(2000).optional() }).strict();

/** Statuses a moderator works through; the queue shows the first two by default. */
export const QUEUE_STATUSES = ['pending', 'hidden', 'changes_requested'] as const;

export const ModerationQueueQuerySchema = z
  .object({
    status: z
      .preprocess(
        (raw) => (typeof raw === 'string' ? raw.split(',').map((part) => part.trim()).filter(Boolean) : raw),
        z.array(AssetStatusSchema).min(1).max(7),
      )
      .optional(),
    kind: AssetKindSchema.optional(),
    area: AreaCodeSchema.optional().describe('a gemeente, wijk or buurt code'),
    q: z.string().trim().min(1).max(200).optional(),
    /** Only entries with open reports. */
    reported: z.preprocess((raw) => (raw === 'true' ? true : raw === 'false' ? false : raw), z.boolean().optional()),
    ...pageParams(100, 50),
  })
  .strict();
export type ModerationQueueQuery = z.infer<typeof ModerationQueueQuerySchema>;

export const ManagedAssetPageSchema = z.object({
  items: z.array(ManagedAssetSchema),
  total: z.number().int().nonnegative(),
});

export const REPORT_REASONS = [
  { code: 'incorrect', label: { nl: 'Klopt niet (meer)', en: 'Incorrect or out of date' } },
  { code: 'closed', label: { nl: 'Bestaat niet meer', en: 'No longer exists' } },
  { code: 'inappropriate', label: { nl: 'Ongepast of kwetsend', en: 'Inappropriate or offensive' } },
  { code: 'privacy', label: { nl: 'Schendt iemands privacy', en: "Breaches someone's privacy" } },
  { code: 'other', label: { nl: 'Iets anders', en: 'Something else' } },
] as const satisfies ReadonlyArray<{ code: string; label: Label }>;
export const REPORT_REASON_CODES = REPORT_REASONS.map((reason) => reason.code) as [
  'incorrect', 'closed', 'inappropriate', 'privacy', 'other',
];

/** After this many reports from different people, an entry leaves the map until reviewed. */
export const REPORTS_TO_HIDE = 3;

export const ReportCreateSchema = z
  .object({
    reason: z.enum(REPORT_REASON_CODES),
    message: z.string().trim().max(1000).optional(),
  })
  .strict();

export const ReportReceiptSchema = z.object({
  /** False when this person had already reported the entry: a report counts once. */
  counted: z.boolean(),
});

export const CONTACT_REQUEST_STATUSES = ['pending', 'accepted', 'declined', 'withdrawn'] as const;

export const ContactRequestCreateSchema = z
  .object({
    message: z.string().trim().min(10, 'say in a sentence or two who you are and why you ask').max(1000),
    consent: ConsentGivenSchema,
  })
  .strict();

export const ContactRequestAcceptSchema = z
  .object({ consent: ConsentGivenSchema })
  .strict();

/**
 * A request to get in touch with the person behind an entry. The other side's name and
 * e-mail address appear only once the request is accepted, and disappear when it is withdrawn.
 */
export const ContactRequestSchema = z.object({
  id: z.uuid(),
  assetId: z.uuid(),
  assetName: z.string(),
  direction: z.enum(['incoming', 'outgoing']),
  status: z.enum(CONTACT_REQUEST_STATUSES),
  message: z.string(),
  createdAt: z.iso.datetime(),
  decidedAt: z.iso.datetime().nullable(),
  counterpart: z.object({ displayName: z.string(), email: z.string() }).nullable(),
});
export type ContactRequest = z.infer<typeof ContactRequestSchema>;

export const ContactRequestIdParamsSchema = z
  .object({ id: z.uuid({ message: 'expected a contact request id (a UUID)' }) })
  .strict();

export const ContactRequestListSchema = z.object({ items: z.array(ContactRequestSchema) });
