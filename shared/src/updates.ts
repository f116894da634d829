import { z } from 'zod';
import { AreaCodeSchema, PhoneSchema } from './asset.ts';
import { numberParam } from './geo.ts';

/**
 * Buurt updates: what changed in a gemeente, wijk or buurt (public assets, agenda items and
 * announcements by professionals), as a page, an Atom feed and a weekly digest for followers.
 */

/**
 * A contact person an announcement names. It is published only when the professional ticks
 * "publish this contact"; without the tick no contact is stored at all.
 */
export const AnnouncementContactSchema = z
  .object({
    name: z.string().trim().min(1, 'name the contact person').max(120),
    phone: PhoneSchema.optional(),
    email: z.email({ message: 'expected an e-mail address' }).max(254).optional(),
  })
  .strict();
export type AnnouncementContact = z.infer<typeof AnnouncementContactSchema>;

const announcementFields = {
  areaCode: AreaCodeSchema,
  title: z.string().trim().min(3, 'use at least 3 characters').max(200),
  body: z.string().trim().min(1, 'write what the announcement is about').max(5000),
  contact: AnnouncementContactSchema.nullable().default(null),
  publishContact: z.boolean().default(false),
};

/** A contact needs the choice to publish it, and publishing needs a phone number or address to publish. */
function checkContact(value: { contact?: AnnouncementContact | null | undefined; publishContact?: boolean | undefined }, ctx: z.RefinementCtx) {
  if (value.contact && value.publishContact !== true) {
    ctx.addIssue({ code: 'custom', path: ['publishContact'], message: 'tick "publish this contact" to publish a contact person, or leave the contact out' });
  }
  if (value.publishContact === true && !value.contact) {
    ctx.addIssue({ code: 'custom', path: ['contact'], message: 'name the contact person to publish' });
  }
  if (value.contact && !value.contact.phone && !value.contact.email) {
    ctx.addIssue({ code: 'custom', path: ['contact', 'phone'], message: 'give a phone number or an e-mail address to publish' });
  }
}

export const AnnouncementCreateSchema = z.object(announcementFields).strict().superRefine(checkContact);
export type AnnouncementCreate = z.infer<typeof AnnouncementCreateSchema>;

/** A change sends only what changes; the contact and the choice to publish it go together. */
export const AnnouncementUpdateSchema = z
  .object({
    title: announcementFields.title,
    body: announcementFields.body,
    contact: AnnouncementContactSchema.nullable(),
    publishContact: z.boolean(),
  })
  .partial()
  .strict()
  .superRefine((patch, ctx) => {
    if (Object.keys(patch).length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'send at least one field to change' });
    if ((patch.contact === undefined) !== (patch.publishContact === undefined)) {
      ctx.addIssue({ code: 'custom', path: [patch.contact === undefined ? 'contact' : 'publishContact'], message: 'send contact and publishContact together' });
      return;
    }
    if (patch.contact !== undefined) checkContact(patch, ctx);
  });
export type AnnouncementUpdate = z.infer<typeof AnnouncementUpdateSchema>;

export const ANNOUNCEMENT_STATUSES = ['published', 'withdrawn'] as const;

export const AnnouncementSchema = z.object({
  id: z.uuid(),
  areaCode: z.string(),
  areaName: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  /** Only ever a contact the professional chose to publish. */
  contact: AnnouncementContactSchema.nullable(),
  publishContact: z.boolean(),
  status: z.enum(ANNOUNCEMENT_STATUSES),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Whether the one asking may change or withdraw it (its author, or a moderator). */
  editable: z.boolean(),
});
export type Announcement = z.infer<typeof AnnouncementSchema>;

export const AnnouncementIdParamsSchema = z.object({ id: z.uuid({ message: 'expected an announcement id (a UUID)' }) }).strict();

export const UPDATE_TYPES = ['asset', 'agenda', 'announcement'] as const;
export type UpdateType = (typeof UPDATE_TYPES)[number];

/** One thing that changed in an area, as anyone may see it. */
export const UpdateEntrySchema = z.object({
  /** Stable and unique: the Atom entry id (`urn:uuid:` of the thing). */
  id: z.string(),
  type: z.enum(UPDATE_TYPES),
  subjectId: z.uuid(),
  /** New since `since` (or in the list at all), or changed since. */
  change: z.enum(['new', 'updated']),
  title: z.string(),
  summary: z.string(),
  /** Where it is in the web app, relative to PUBLIC_URL: `/?asset=…`. */
  link: z.string(),
  area: z.object({ code: z.string(), name: z.string() }).nullable(),
  /** For an asset: its kind and category codes (labels come from the taxonomy). */
  assetKind: z.string().nullable(),
  assetCategory: z.string().nullable(),
  /** For an announcement: the contact its author chose to publish, else null. */
  contact: AnnouncementContactSchema.nullable(),
  /** For an announcement: whether the one asking may change or withdraw it. */
  editable: z.boolean(),
  published: z.iso.datetime(),
  updated: z.iso.datetime(),
});
export type UpdateEntry = z.infer<typeof UpdateEntrySchema>;

export const MAX_UPDATES = 200;

export const AreaUpdatesQuerySchema = z
  .object({
    since: z.iso.datetime({ offset: true, message: 'expected a date and time such as 2026-11-30T00:00:00Z' }).optional(),
    // Not z.coerce.number(): that reads "0x10" as 16 and "1e2" as 100 (see numberParam).
    limit: numberParam(z.number().int().min(1).max(MAX_UPDATES).default(50)),
  })
  .strict();
export type AreaUpdatesQuery = z.infer<typeof AreaUpdatesQuerySchema>;

export const AreaUpdatesSchema = z.object({
  area: z.object({ code: z.string(), name: z.string(), level: z.enum(['gemeente', 'wijk', 'buurt']) }),
  since: z.iso.datetime().nullable(),
  /** The Atom feed of the same changes, relative to PUBLIC_URL. */
  feed: z.string(),
  items: z.array(UpdateEntrySchema),
});
export type AreaUpdates = z.infer<typeof AreaUpdatesSchema>;

export const FollowSchema = z.object({
  areaCode: z.string(),
  areaName: z.string().nullable(),
  level: z.enum(['gemeente', 'wijk', 'buurt']).nullable(),
  createdAt: z.iso.datetime(),
});
export type Follow = z.infer<typeof FollowSchema>;

export const FollowListSchema = z.object({ items: z.array(FollowSchema) });
