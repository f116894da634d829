import { z } from 'zod';
import { AreaCodeSchema, AssetKindSchema, CategorySchema, CharacteristicSchema } from './asset.ts';
import type { Label } from './taxonomy.ts';

/**
 * The sociale wijkagenda: actions per wijk or buurt to strengthen what the buurtscan shows is
 * missing, each linked to the characteristics it serves, to an indicator or a gap, and to the
 * assets that carry it.
 */
export const AGENDA_STATUSES = [
  { code: 'idea', label: { nl: 'Idee', en: 'Idea' } },
  { code: 'planned', label: { nl: 'Gepland', en: 'Planned' } },
  { code: 'in_progress', label: { nl: 'Bezig', en: 'In progress' } },
  { code: 'done', label: { nl: 'Klaar', en: 'Done' } },
  { code: 'dropped', label: { nl: 'Vervallen', en: 'Dropped' } },
] as const satisfies ReadonlyArray<{ code: string; label: Label }>;
export const AGENDA_STATUS_CODES = AGENDA_STATUSES.map((status) => status.code) as ['idea', 'planned', 'in_progress', 'done', 'dropped'];

export const AgendaGapSchema = z
  .object({ kind: AssetKindSchema.optional(), category: CategorySchema.optional(), distance: z.number().int().min(0).max(20_000) })
  .strict();

const agendaFields = {
  areaCode: AreaCodeSchema,
  title: z.string().trim().min(3).max(200),
  description: z.string().trim().max(5000).default(''),
  characteristics: z.array(CharacteristicSchema).max(5).default([]),
  indicator: z.string().max(100).nullable().default(null),
  gap: AgendaGapSchema.nullable().default(null),
  assetIds: z.array(z.uuid()).max(50).default([]),
  ownerOrganisation: z.string().trim().max(200).default(''),
  status: z.enum(AGENDA_STATUS_CODES).default('idea'),
  dueDate: z.iso.date({ message: 'expected a date such as 2027-03-31' }).nullable().default(null),
};

export const AgendaItemCreateSchema = z.object(agendaFields).strict();
export type AgendaItemCreate = z.infer<typeof AgendaItemCreateSchema>;

export const AgendaItemUpdateSchema = z
  .object({
    title: agendaFields.title,
    description: z.string().trim().max(5000),
    characteristics: z.array(CharacteristicSchema).max(5),
    indicator: z.string().max(100).nullable(),
    gap: AgendaGapSchema.nullable(),
    assetIds: z.array(z.uuid()).max(50),
    ownerOrganisation: z.string().trim().max(200),
    status: z.enum(AGENDA_STATUS_CODES),
    dueDate: z.iso.date().nullable(),
  })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'send at least one field to change' });

export const AgendaItemSchema = z.object({
  id: z.uuid(),
  areaCode: z.string(),
  areaName: z.string().nullable(),
  title: z.string(),
  description: z.string(),
  characteristics: z.array(z.string()),
  indicator: z.string().nullable(),
  gap: AgendaGapSchema.nullable(),
  assetIds: z.array(z.string()),
  ownerOrganisation: z.string(),
  status: z.enum(AGENDA_STATUS_CODES),
  dueDate: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type AgendaItem = z.infer<typeof AgendaItemSchema>;

export const AgendaQuerySchema = z
  .object({
    area: AreaCodeSchema.optional().describe('a gemeente, wijk or buurt: its items and those of the areas in it'),
    status: z.enum(AGENDA_STATUS_CODES).optional(),
  })
  .strict();

export const AgendaItemIdParamsSchema = z.object({ id: z.uuid({ message: 'expected an agenda item id (a UUID)' }) }).strict();

export const AgendaSuggestionsQuerySchema = z
  .object({ gemeente: z.string().regex(/^GM[0-9]{4}$/, 'expected a gemeente code such as GM0546') })
  .strict();

export const AgendaSuggestionSchema = AgendaItemCreateSchema.extend({ reason: z.string() });
