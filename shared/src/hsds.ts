import { z } from 'zod';
import { LatitudeSchema, LongitudeSchema, numberParam } from './geo.ts';
import { AreaCodeSchema, MAX_NEARBY_RADIUS_METERS, MAX_PAGE_SIZE } from './asset.ts';
import {
  ASSET_KINDS,
  CATEGORIES,
  CATEGORY_CODES,
  CHARACTERISTICS,
  INCLUSION_FEATURES,
  type InclusionFeature,
  type Label,
  SOCIAL_CAPITAL_TYPES,
  TARGET_GROUPS,
} from './taxonomy.ts';

/**
 * Kwartier in Open Referral's Human Services Data Specification (HSDS 3.0.1), the exchange
 * format of social maps and referral tools. The mapping itself is in the server
 * (server/src/modules/interop/hsds.service.ts); here are the vocabulary Kwartier publishes as
 * HSDS taxonomies, and the shapes of what the /hsds API sends and accepts.
 */
export const HSDS_VERSION = '3.0.1';

export const HSDS_LANGUAGES = ['nl', 'en'] as const;
export type HsdsLanguage = (typeof HSDS_LANGUAGES)[number];

export type HsdsTaxonomyTermDefinition = { code: string; label: Label; description?: Label; parentCode?: string };
export type HsdsTaxonomyDefinition = {
  /** Stable: the HSDS ids of the taxonomy and its terms are derived from these codes. */
  code: string;
  name: Label;
  description: Label;
  terms: readonly HsdsTaxonomyTermDefinition[];
};

/**
 * Kwartier's taxonomy as HSDS taxonomies. Kinds and categories are one taxonomy, each category a
 * child of its kind (HSDS `parent_id`), so that a client can filter on "every facility" or on
 * "libraries" alike. Exchange types (asks and offers) are not published: HSDS has no place for
 * what a service asks of its visitors.
 */
export const HSDS_TAXONOMIES = [
  {
    code: 'kwartier-asset-type',
    name: { nl: 'Kwartier: soort en categorie', en: 'Kwartier: kind and category' },
    description: { nl: 'Wat voor iets het is: voorziening, vereniging, bewonersinitiatief, talent en hun categorieën', en: "What it is: facility, association, residents' initiative, talent and their categories" },
    terms: [
      ...ASSET_KINDS.map((kind) => ({ code: kind.code, label: kind.label, description: kind.description })),
      ...CATEGORIES.map((category) => ({ code: category.code, label: category.label, parentCode: category.kind })),
    ],
  },
  {
    code: 'kwartier-social-capital',
    name: { nl: 'Kwartier: sociaal kapitaal', en: 'Kwartier: social capital' },
    description: { nl: 'Welk soort banden het legt: binden, overbruggen, verbinden met instanties', en: 'Which ties it builds: bonding, bridging, linking' },
    terms: SOCIAL_CAPITAL_TYPES,
  },
  {
    code: 'kwartier-inclusion',
    name: { nl: 'Kwartier: inclusie', en: 'Kwartier: inclusion' },
    description: { nl: 'Wat het laagdrempelig en toegankelijk maakt', en: 'What makes it accessible and low-threshold' },
    terms: INCLUSION_FEATURES,
  },
  {
    code: 'kwartier-target-group',
    name: { nl: 'Kwartier: doelgroep', en: 'Kwartier: target group' },
    description: { nl: 'Voor wie het in het bijzonder is', en: 'Whom it is in particular for' },
    terms: TARGET_GROUPS,
  },
  {
    code: 'kwartier-characteristic',
    name: { nl: 'Kwartier: kenmerken van een buurt voor iedereen', en: 'Kwartier: characteristics of a neighbourhood for everyone' },
    description: { nl: 'De vijf kenmerken van een buurt voor iedereen waaraan het bijdraagt', en: 'The five characteristics of a neighbourhood for everyone it contributes to' },
    terms: CHARACTERISTICS,
  },
] as const satisfies readonly HsdsTaxonomyDefinition[];

export type HsdsTaxonomyCode = (typeof HSDS_TAXONOMIES)[number]['code'];

/** Inclusion features about getting in and being at a place: they are also HSDS accessibility of the location. */
export const ACCESSIBILITY_FEATURES: readonly InclusionFeature[] = ['wheelchair_access', 'low_stimulus'];

// ---------------------------------------------------------------------------------------------
// Query strings, after the HSDS 3.0 OpenAPI template (schema/openapi.json).

const booleanParam = z.preprocess(
  (raw) => (raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw),
  z.boolean({ message: 'expected true or false' }).optional(),
);

const HsdsIdSchema = z.uuid({ message: 'expected an HSDS id (a UUID)' });

/** A Dutch postcode: 2311 CS, 2311CS, or the four digits alone. */
const PostcodeSchema = z
  .string()
  .trim()
  .regex(/^[1-9]\d{3}(\s?[A-Za-z]{2})?$/, 'expected a Dutch postcode such as 2311 CS or 2311');

const pageFields = {
  page: numberParam(z.number().int().min(1).max(10_000).default(1)),
  per_page: numberParam(z.number().int().min(1).max(MAX_PAGE_SIZE).default(20)),
  search: z.string().trim().min(1).max(200).optional().describe('text in the name or description'),
  format: z.literal('json', { message: 'only json is supported' }).optional(),
  /** Kwartier's own: the language of taxonomy term names and other texts Kwartier writes. */
  lang: z.enum(HSDS_LANGUAGES, { message: 'expected nl or en' }).default('nl'),
};

const placeFields = {
  taxonomy_term_id: HsdsIdSchema.optional(),
  postcode: PostcodeSchema.optional().describe('nearest first from the centre of this postcode; within `proximity` metres, 2000 by default'),
  proximity: numberParam(z.number().positive().max(MAX_NEARBY_RADIUS_METERS).optional()).describe('metres from the postcode (or lat/lon)'),
  /** Kwartier's own: a point instead of a postcode, as the map has one. */
  lat: numberParam(LatitudeSchema.optional()),
  lon: numberParam(LongitudeSchema.optional()),
  full: booleanParam.describe('fully nested objects instead of the one-to-one fields'),
};

type PlaceQuery = { postcode?: string | undefined; lat?: number | undefined; lon?: number | undefined };

/** One place to search from: a postcode, or a point given whole. */
function checkPlace(query: PlaceQuery, ctx: z.RefinementCtx) {
  if ((query.lat === undefined) !== (query.lon === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'lat and lon go together', path: [query.lat === undefined ? 'lat' : 'lon'] });
  }
  if (query.postcode !== undefined && query.lat !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'search from a postcode or from lat/lon, not both', path: ['postcode'] });
  }
}

function checkProximity(query: PlaceQuery & { proximity?: number | undefined }, ctx: z.RefinementCtx) {
  if (query.proximity !== undefined && query.postcode === undefined && query.lat === undefined) {
    ctx.addIssue({ code: 'custom', message: 'proximity needs a postcode (or lat and lon) to measure from', path: ['proximity'] });
  }
}

export const HsdsServiceListQuerySchema = z
  .object({ ...pageFields, ...placeFields })
  .strict()
  .superRefine((query, ctx) => {
    checkPlace(query, ctx);
    checkProximity(query, ctx);
  });
export type HsdsServiceListQuery = z.infer<typeof HsdsServiceListQuerySchema>;

/** The same filters: a service_at_location is a service at one place. */
export const HsdsServiceAtLocationListQuerySchema = HsdsServiceListQuerySchema;
export type HsdsServiceAtLocationListQuery = HsdsServiceListQuery;

export const HsdsOrganizationListQuerySchema = z.object({ ...pageFields, full: placeFields.full }).strict();
export type HsdsOrganizationListQuery = z.infer<typeof HsdsOrganizationListQuerySchema>;

export const HsdsTaxonomyListQuerySchema = z.object(pageFields).strict();
export type HsdsTaxonomyListQuery = z.infer<typeof HsdsTaxonomyListQuerySchema>;

export const HsdsTaxonomyTermListQuerySchema = z
  .object({
    ...pageFields,
    taxonomy_id: HsdsIdSchema.optional(),
    parent_id: HsdsIdSchema.optional(),
    top_only: booleanParam.describe('only terms without a parent'),
  })
  .strict();
export type HsdsTaxonomyTermListQuery = z.infer<typeof HsdsTaxonomyTermListQuerySchema>;

export const HsdsIdParamsSchema = z.object({ id: HsdsIdSchema }).strict();
export const HsdsLanguageQuerySchema = z.object({ lang: pageFields.lang }).strict();

// ---------------------------------------------------------------------------------------------
// What the /hsds API sends: the HSDS objects Kwartier fills, with the fields it fills. Fields a
// mapper adds beyond these are dropped on the way out.

const id = z.uuid();

export const HsdsTaxonomySchema = z.object({
  id,
  name: z.string(),
  description: z.string(),
  version: z.string().optional(),
});
export type HsdsTaxonomy = z.infer<typeof HsdsTaxonomySchema>;

export const HsdsTaxonomyTermSchema = z.object({
  id,
  code: z.string(),
  name: z.string(),
  description: z.string(),
  parent_id: id.optional(),
  taxonomy: z.string(),
  taxonomy_id: id,
  language: z.string(),
});
export type HsdsTaxonomyTerm = z.infer<typeof HsdsTaxonomyTermSchema>;

export const HsdsAttributeSchema = z.object({
  id,
  link_id: id,
  link_type: z.string(),
  link_entity: z.string(),
  taxonomy_term_id: id,
  taxonomy_term: HsdsTaxonomyTermSchema,
});
export type HsdsAttribute = z.infer<typeof HsdsAttributeSchema>;

export const HsdsPhoneSchema = z.object({
  id,
  service_id: id.optional(),
  number: z.string(),
  type: z.string(),
});
export type HsdsPhone = z.infer<typeof HsdsPhoneSchema>;

export const HsdsContactSchema = z.object({ id, service_id: id, name: z.string() });
export type HsdsContact = z.infer<typeof HsdsContactSchema>;

export const HsdsScheduleSchema = z.object({
  id,
  service_id: id,
  freq: z.enum(['WEEKLY', 'MONTHLY']).optional(),
  interval: z.number().int().optional(),
  byday: z.string().optional(),
  dtstart: z.string().optional(),
  wkst: z.literal('MO').optional(),
  opens_at: z.string().optional(),
  closes_at: z.string().optional(),
  description: z.string().optional(),
  notes: z.string().optional(),
  attending_type: z.string().optional(),
});
export type HsdsSchedule = z.infer<typeof HsdsScheduleSchema>;

export const HsdsLanguageSchema = z.object({ id, service_id: id, name: z.string(), code: z.string() });
export type HsdsLanguageEntry = z.infer<typeof HsdsLanguageSchema>;

export const HsdsServiceAreaSchema = z.object({ id, service_id: id, name: z.string(), description: z.string() });
export type HsdsServiceArea = z.infer<typeof HsdsServiceAreaSchema>;

export const HsdsAccessibilitySchema = z.object({ id, location_id: id, description: z.string() });
export type HsdsAccessibility = z.infer<typeof HsdsAccessibilitySchema>;

export const HsdsAddressSchema = z.object({
  id,
  location_id: id,
  address_1: z.string(),
  city: z.string(),
  region: z.string().optional(),
  state_province: z.string(),
  postal_code: z.string(),
  country: z.string(),
  address_type: z.literal('physical'),
});
export type HsdsAddress = z.infer<typeof HsdsAddressSchema>;

export const HsdsLocationListSchema = z.object({
  id,
  location_type: z.literal('physical'),
  organization_id: id,
  name: z.string(),
  latitude: z.number(),
  longitude: z.number(),
});
export const HsdsLocationSchema = HsdsLocationListSchema.extend({
  addresses: z.array(HsdsAddressSchema),
  accessibility: z.array(HsdsAccessibilitySchema),
});
export type HsdsLocation = z.infer<typeof HsdsLocationSchema>;

export const HsdsOrganizationListSchema = z.object({
  id,
  name: z.string(),
  description: z.string(),
  email: z.string().optional(),
  website: z.string().optional(),
});
export type HsdsOrganizationList = z.infer<typeof HsdsOrganizationListSchema>;

export const HsdsServiceListSchema = z.object({
  id,
  organization_id: id,
  name: z.string(),
  description: z.string(),
  url: z.string().optional(),
  email: z.string().optional(),
  status: z.literal('active'),
  application_process: z.string().optional(),
  fees_description: z.string().optional(),
  eligibility_description: z.string().optional(),
  last_modified: z.string(),
  organization: HsdsOrganizationListSchema,
});
export type HsdsServiceList = z.infer<typeof HsdsServiceListSchema>;

const serviceAtLocationFields = { id, service_id: id, location_id: id };

/** A service_at_location inside a service: with its location, without the service again. */
export const HsdsNestedServiceAtLocationSchema = z.object({ ...serviceAtLocationFields, location: HsdsLocationSchema });

const serviceFullFields = {
  phones: z.array(HsdsPhoneSchema),
  schedules: z.array(HsdsScheduleSchema),
  service_areas: z.array(HsdsServiceAreaSchema),
  languages: z.array(HsdsLanguageSchema),
  contacts: z.array(HsdsContactSchema),
  attributes: z.array(HsdsAttributeSchema),
};

/** A service without its service_at_locations: the service inside a service_at_location. */
export const HsdsNestedServiceSchema = HsdsServiceListSchema.extend(serviceFullFields);

/** HSDS service_full (schema/compiled/service.json). */
export const HsdsServiceSchema = HsdsNestedServiceSchema.extend({
  service_at_locations: z.array(HsdsNestedServiceAtLocationSchema),
});
export type HsdsService = z.infer<typeof HsdsServiceSchema>;

export const HsdsServiceAtLocationListSchema = z.object({
  ...serviceAtLocationFields,
  location: HsdsLocationListSchema,
  service: HsdsServiceListSchema,
});
export type HsdsServiceAtLocationList = z.infer<typeof HsdsServiceAtLocationListSchema>;

/** HSDS service_at_location_full (schema/compiled/service_at_location.json). */
export const HsdsServiceAtLocationSchema = z.object({
  ...serviceAtLocationFields,
  location: HsdsLocationSchema,
  service: HsdsNestedServiceSchema,
});
export type HsdsServiceAtLocation = z.infer<typeof HsdsServiceAtLocationSchema>;

/** HSDS organization_full (schema/compiled/organization.json). */
export const HsdsOrganizationSchema = HsdsOrganizationListSchema.extend({
  locations: z.array(HsdsLocationSchema),
  services: z.array(HsdsServiceSchema),
});
export type HsdsOrganization = z.infer<typeof HsdsOrganizationSchema>;

/** The paging wrapper of the HSDS OpenAPI template (`#/components/schemas/Page`). */
export function hsdsPageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    total_items: z.number().int().nonnegative(),
    total_pages: z.number().int().nonnegative(),
    page_number: z.number().int().positive(),
    size: z.number().int().nonnegative(),
    first_page: z.boolean(),
    last_page: z.boolean(),
    empty: z.boolean(),
    contents: z.array(item),
  });
}
export type HsdsPage<T> = {
  total_items: number;
  total_pages: number;
  page_number: number;
  size: number;
  first_page: boolean;
  last_page: boolean;
  empty: boolean;
  contents: T[];
};

export const HsdsRootSchema = z.object({ version: z.string() });

// ---------------------------------------------------------------------------------------------
// Importing an HSDS dataset (server/src/modules/interop/hsds-import.ts).

/**
 * POST /api/imports/hsds. Records are kept under the source `hsds:<source>`. A foreign dataset
 * carries none of Kwartier's taxonomy terms: `defaultCategory` fills the category (and so the
 * kind) where the attributes give none; `fallbackArea` places a service without a usable Dutch
 * location at the centre of that gemeente, wijk or buurt, at buurt precision.
 */
export const HsdsImportQuerySchema = z
  .object({
    source: z
      .string()
      .trim()
      .regex(/^(hsds:)?[a-z0-9][a-z0-9._-]{1,90}$/, 'expected a source name such as sociale-kaart-leiden')
      .transform((value) => value.replace(/^hsds:/, ''))
      .default('hsds-import'),
    defaultCategory: z.enum(CATEGORY_CODES, { message: "expected one of Kwartier's categories, such as buurthuis or inloop" }).optional(),
    fallbackArea: AreaCodeSchema.optional(),
    dryRun: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .default(false)
      .describe('check the dataset and report, write nothing'),
    status: z.enum(['published', 'pending']).default('published').describe('how new and changed records land'),
  })
  .strict();
export type HsdsImportQuery = z.infer<typeof HsdsImportQuerySchema>;
