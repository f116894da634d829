import { z } from 'zod';
import type { Label } from './taxonomy.ts';

/**
 * Importing lists that already exist (a sociale kaart, a spreadsheet of initiatives, DUO's
 * school files) through a mapping: which column or property of the file fills which field of
 * an asset, with small, named clean-ups. A mapping is saved per source and reused; a re-import
 * of the same source updates its records by source id.
 */

/** The fields a mapping can fill. Lists take several values; the rest take one. */
export const IMPORT_FIELDS = [
  { code: 'name', list: false, required: true, label: { nl: 'Naam', en: 'Name' } },
  // Without a rule for the kind, it follows from the category (each category has one kind).
  { code: 'kind', list: false, required: false, label: { nl: 'Soort', en: 'Kind' } },
  { code: 'category', list: false, required: true, label: { nl: 'Categorie', en: 'Category' } },
  { code: 'description', list: false, required: false, label: { nl: 'Beschrijving', en: 'Description' } },
  { code: 'socialCapital', list: true, required: false, label: { nl: 'Sociaal kapitaal', en: 'Social capital' } },
  { code: 'inclusionFeatures', list: true, required: false, label: { nl: 'Toegankelijk en welkom', en: 'Inclusion features' } },
  { code: 'targetGroups', list: true, required: false, label: { nl: 'Voor wie', en: 'Target groups' } },
  { code: 'languages', list: true, required: false, label: { nl: 'Talen', en: 'Languages' } },
  { code: 'characteristics', list: true, required: false, label: { nl: 'Kenmerken', en: 'Characteristics' } },
  { code: 'skills', list: true, required: false, label: { nl: 'Vaardigheden', en: 'Skills' } },
  { code: 'needsInclusion', list: true, required: false, label: { nl: 'Heeft nodig (privé)', en: 'Needs (private)' } },
  { code: 'precision', list: false, required: false, label: { nl: 'Precisie', en: 'Precision' } },
  { code: 'address.street', list: false, required: false, label: { nl: 'Straat', en: 'Street' } },
  { code: 'address.houseNumber', list: false, required: false, label: { nl: 'Huisnummer', en: 'House number' } },
  { code: 'address.postcode', list: false, required: false, label: { nl: 'Postcode', en: 'Postcode' } },
  { code: 'address.city', list: false, required: false, label: { nl: 'Plaats', en: 'City' } },
  { code: 'contact.phone', list: false, required: false, label: { nl: 'Telefoon', en: 'Phone' } },
  { code: 'contact.email', list: false, required: false, label: { nl: 'E-mail', en: 'E-mail' } },
  { code: 'contact.website', list: false, required: false, label: { nl: 'Website', en: 'Website' } },
  { code: 'contact.contactPerson', list: false, required: false, label: { nl: 'Contactpersoon', en: 'Contact person' } },
  // Structured fields: a JSON value in a GeoJSON property, or JSON text in a CSV cell.
  { code: 'schedule', list: false, required: false, label: { nl: 'Openingstijden en bijeenkomsten', en: 'Opening hours and meetings' } },
  { code: 'asks', list: false, required: false, label: { nl: 'Vraagt', en: 'Asks' } },
  { code: 'offers', list: false, required: false, label: { nl: 'Biedt', en: 'Offers' } },
  { code: 'availability', list: false, required: false, label: { nl: 'Beschikbaar (privé)', en: 'Available (private)' } },
  { code: 'shareContactWithProfessionals', list: false, required: false, label: { nl: 'Contact delen met professionals', en: 'Share contact with professionals' } },
] as const satisfies ReadonlyArray<{ code: string; list: boolean; required: boolean; label: Label }>;
export type ImportField = (typeof IMPORT_FIELDS)[number]['code'];
export const IMPORT_FIELD_CODES = IMPORT_FIELDS.map((field) => field.code) as [ImportField, ...ImportField[]];
export const STRUCTURED_IMPORT_FIELDS: readonly ImportField[] = ['schedule', 'asks', 'offers', 'availability'];

/** Clean-ups a rule may apply to a text value, in order. */
export const IMPORT_TRANSFORMS = [
  { code: 'trim', label: { nl: 'Spaties weg aan begin en eind', en: 'Trim spaces' } },
  { code: 'lowercase', label: { nl: 'Kleine letters', en: 'Lower case' } },
  { code: 'titleCase', label: { nl: 'Hoofdletter per woord (LEIDEN → Leiden)', en: 'Title case (LEIDEN → Leiden)' } },
  { code: 'url', label: { nl: 'Webadres, ook uit [url=…]…[/url]; http:// erbij waar het ontbreekt', en: 'Web address, also from [url=…]…[/url]; adds http:// where missing' } },
] as const satisfies ReadonlyArray<{ code: string; label: Label }>;
export const IMPORT_TRANSFORM_CODES = IMPORT_TRANSFORMS.map((transform) => transform.code) as ['trim', 'lowercase', 'titleCase', 'url'];
export type ImportTransform = (typeof IMPORT_TRANSFORM_CODES)[number];

const ColumnNameSchema = z.string().trim().min(1).max(200);

/**
 * How one field is filled:
 * - `column`: from a column (CSV) or property (GeoJSON); with several names, the first one
 *   that has a value. Names match with surrounding spaces and case ignored.
 * - `value`: the same value for every row (for example the kind of everything in a school list).
 * `map` translates the file's values to ours (after the transforms); `split` cuts a text into
 * a list; `onInvalid: 'skip'` leaves a value that does not validate out with a warning instead
 * of refusing the row (for optional details such as a phone number).
 */
export const ImportRuleSchema = z.union([
  z
    .object({
      column: z.union([ColumnNameSchema, z.array(ColumnNameSchema).min(1).max(10)]),
      transforms: z.array(z.enum(IMPORT_TRANSFORM_CODES)).max(10).default([]),
      map: z.record(z.string().max(200), z.string().max(200)).optional(),
      split: z.string().min(1).max(5).optional(),
      onInvalid: z.enum(['refuse', 'skip']).default('refuse'),
    })
    .strict(),
  z.object({ value: z.union([z.string().max(5000), z.array(z.string().max(200)).max(50), z.boolean()]) }).strict(),
]);
export type ImportRule = z.infer<typeof ImportRuleSchema>;

export const IMPORT_CRS = ['EPSG:4326', 'EPSG:28992'] as const;

export const ImportCoordinatesSchema = z.discriminatedUnion('from', [
  /** The GeoJSON geometry (a Point); RD New when the mapping or the file's `crs` says so. */
  z.object({ from: z.literal('geometry'), crs: z.enum(IMPORT_CRS).default('EPSG:4326') }).strict(),
  /** Two columns: x/longitude and y/latitude (WGS84), or x and y in RD New. */
  z.object({ from: z.literal('columns'), x: ColumnNameSchema, y: ColumnNameSchema, crs: z.enum(IMPORT_CRS).default('EPSG:4326') }).strict(),
]);

export const MappingNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'expected a name of lower-case letters, digits and dashes, such as duo-scholen-bo');

/** A source's name: with a record's source id, its identity across imports. */
export const SourceNameSchema = z.string().trim().regex(/^[a-z0-9][a-z0-9._-]{1,99}$/, 'expected a source name such as duo-scholen-bo-2016');

export const ImportMappingSchema = z
  .object({
    name: MappingNameSchema,
    description: z.string().trim().max(1000).default(''),
    format: z.enum(['csv', 'geojson']),
    /** The source the records are kept under; with the source id, a record's identity. */
    source: SourceNameSchema,
    sourceId: ImportRuleSchema,
    coordinates: ImportCoordinatesSchema,
    fields: z
      .partialRecord(z.enum(IMPORT_FIELD_CODES), ImportRuleSchema)
      .refine((fields) => ['name', 'category'].every((code) => code in fields), { message: 'a mapping fills at least name and category' }),
    /** How new and changed records land: published at once, or in the moderation queue. */
    status: z.enum(['published', 'pending']).default('published'),
    csv: z
      .object({
        delimiter: z.enum(['auto', ',', ';', '\t']).default('auto'),
        encoding: z.enum(['auto', 'utf-8', 'windows-1252']).default('auto'),
      })
      .strict()
      .default({ delimiter: 'auto', encoding: 'auto' }),
  })
  .strict();
export type ImportMapping = z.infer<typeof ImportMappingSchema>;
export type ImportMappingInput = z.input<typeof ImportMappingSchema>;

// The report ------------------------------------------------------------------------------------

export const ImportProblemSchema = z.object({
  /** The line of a CSV file (the header is line 1) or the number of a GeoJSON feature (from 1). */
  row: z.number().int().nullable(),
  field: z.string(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
});
export type ImportProblem = z.infer<typeof ImportProblemSchema>;

/** `kept`: changed in Kwartier since the last import (by its author or a moderator); the source's change is not applied over it. */
export const IMPORT_ACTIONS = ['create', 'update', 'unchanged', 'kept', 'refused'] as const;
export type ImportAction = (typeof IMPORT_ACTIONS)[number];

export const ImportReportSchema = z.object({
  mapping: z.string(),
  source: z.string(),
  rows: z.number().int(),
  counts: z.object({ create: z.number().int(), update: z.number().int(), unchanged: z.number().int(), kept: z.number().int().default(0), refused: z.number().int() }),
  /** The problems, row by row (the first 1000). Any error means the import cannot be committed. */
  problems: z.array(ImportProblemSchema),
  /** How many problems there are in all, errors and warnings. */
  problemCount: z.object({ errors: z.number().int(), warnings: z.number().int() }).default({ errors: 0, warnings: 0 }),
  /** What would happen to each row (the first 200). */
  actions: z.array(z.object({ row: z.number().int(), sourceId: z.string().nullable(), name: z.string().nullable(), action: z.enum(IMPORT_ACTIONS) })),
  /** Records of this source that the file no longer holds. */
  disappeared: z.array(z.object({ id: z.uuid(), sourceId: z.string(), name: z.string(), status: z.string() })),
  committed: z.boolean(),
  /** With `archiveDisappeared`, how many of those were archived. */
  archived: z.number().int(),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;

export const ImportRunSchema = z.object({
  id: z.uuid(),
  mapping: z.string(),
  source: z.string(),
  fileName: z.string().nullable(),
  status: z.enum(['running', 'committed', 'failed']),
  rows: z.number().int(),
  /** While running: records written of those to write (served by the process that runs it). */
  progress: z.object({ done: z.number().int(), total: z.number().int() }).nullable(),
  counts: ImportReportSchema.shape.counts.nullable(),
  archived: z.number().int(),
  error: z.string().nullable(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type ImportRun = z.infer<typeof ImportRunSchema>;

export const ImportQuerySchema = z
  .object({
    mapping: MappingNameSchema.describe('a saved mapping'),
    dryRun: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .default(false)
      .describe('check the file and report, write nothing'),
    archiveDisappeared: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .default(false)
      .describe('archive the records of this source that the file no longer holds'),
    fileName: z.string().trim().max(200).optional(),
  })
  .strict();

// CBS areas -----------------------------------------------------------------------------------

export const AreaImportQuerySchema = z
  .object({
    year: z.preprocess((raw) => (typeof raw === 'string' && /^\d{4}$/.test(raw) ? Number(raw) : raw), z.number().int().min(1990).max(2100)),
    dryRun: z.enum(['true', 'false']).transform((value) => value === 'true').default(false),
    source: SourceNameSchema.optional().describe('by default cbs-wijkbuurtkaart-<year>'),
  })
  .strict();

export const AreaImportReportSchema = z.object({
  year: z.number().int(),
  areas: z.number().int(),
  byLevel: z.object({ gemeente: z.number().int(), wijk: z.number().int(), buurt: z.number().int() }),
  created: z.number().int(),
  replaced: z.number().int(),
  /** Areas of the file's gemeenten and levels that the file no longer has, removed. */
  removed: z.array(z.string()),
  problems: z.array(ImportProblemSchema),
  committed: z.boolean(),
  assetsRederived: z.number().int(),
});
export type AreaImportReport = z.infer<typeof AreaImportReportSchema>;
