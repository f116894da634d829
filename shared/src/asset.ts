import { z } from 'zod';
import { ScheduleSchema, WeekdaySchema, whenFieldsValid } from './schedule.ts';
import {
  ASSET_KIND_CODES,
  ASSET_STATUS_CODES,
  CATEGORY_CODES,
  CHARACTERISTIC_CODES,
  DAY_PART_CODES,
  EXCHANGE_TYPE_CODES,
  INCLUSION_FEATURE_CODES,
  LOCATION_PRECISION_CODES,
  SKILL_CODES,
  SOCIAL_CAPITAL_CODES,
  TARGET_GROUP_CODES,
  categoryKind,
} from './taxonomy.ts';
import { DutchPointSchema, GeoJsonPointSchema, LatitudeSchema, LongitudeSchema, decimalNumber, numberParam } from './geo.ts';
import { AreaRefSchema } from './area.ts';
import { AREA_CODE_PATTERN } from './area-codes.ts';
import { ConsentGivenSchema } from './account.ts';

export const AssetKindSchema = z.enum(ASSET_KIND_CODES);
export const CategorySchema = z.enum(CATEGORY_CODES);
export const SocialCapitalSchema = z.enum(SOCIAL_CAPITAL_CODES);
export const InclusionFeatureSchema = z.enum(INCLUSION_FEATURE_CODES);
export const TargetGroupSchema = z.enum(TARGET_GROUP_CODES);
export const CharacteristicSchema = z.enum(CHARACTERISTIC_CODES);
export const LocationPrecisionSchema = z.enum(LOCATION_PRECISION_CODES);
export const AssetStatusSchema = z.enum(ASSET_STATUS_CODES);

/** A list of distinct values: duplicates in a tag list are always a mistake. */
function distinctList<T extends z.ZodType>(item: T, max: number) {
  return z
    .array(item)
    .max(max)
    .refine((values) => new Set(values).size === values.length, { message: 'values must not repeat' });
}

/** ISO 639-1 language codes such as nl, en, ar, tr, pl. */
const LanguageCodeSchema = z.string().regex(/^[a-z]{2}$/, 'expected a two-letter language code such as nl or ar');

export const PhoneSchema = z
  .string()
  .trim()
  .max(30)
  .regex(/^\+?[0-9][0-9 ()-]{5,}$/, 'expected a phone number such as 071 512 3456 or +31 71 512 3456');

export const ContactSchema = z
  .object({
    phone: PhoneSchema.optional(),
    email: z.email({ message: 'expected an e-mail address' }).max(254).optional(),
    website: z.url({ protocol: /^https?$/, message: 'expected a web address starting with http:// or https://' }).max(500).optional(),
    /** A named contact person, for organisations that choose to publish one. */
    contactPerson: z.string().trim().min(1).max(120).optional(),
  })
  .strict();
export type Contact = z.infer<typeof ContactSchema>;

/** Addresses are kept as given: real-world lists write them in many ways. */
export const AddressSchema = z
  .object({
    street: z.string().trim().min(1).max(200).optional(),
    houseNumber: z.string().trim().min(1).max(20).optional(),
    postcode: z.string().trim().min(1).max(10).optional(),
    city: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
export type Address = z.infer<typeof AddressSchema>;

export const SkillSchema = z.enum(SKILL_CODES);
export const DayPartSchema = z.enum(DAY_PART_CODES);

/**
 * When a person is available, by weekday and part of the day. Private to the talent's owner
 * and moderators; matching compares it with an asset's schedule on the server.
 */
export const AvailabilitySchema = z
  .array(z.object({ day: WeekdaySchema, parts: distinctList(DayPartSchema, DAY_PART_CODES.length).min(1) }).strict())
  .max(7)
  .refine((slots) => new Set(slots.map((slot) => slot.day)).size === slots.length, { message: 'days must not repeat' });
export type Availability = z.infer<typeof AvailabilitySchema>;

export const ExchangeSchema = z
  .object({
    type: z.enum(EXCHANGE_TYPE_CODES),
    description: z.string().trim().min(1).max(500),
    /** The skills an ask needs (or an offer gives); without them matching reads the category. */
    skills: distinctList(SkillSchema, 8).optional(),
  })
  .strict();
export type Exchange = z.infer<typeof ExchangeSchema>;

const assetFields = {
  kind: AssetKindSchema,
  category: CategorySchema,
  name: z.string().trim().min(2).max(200),
  description: z.string().trim().max(5000).default(''),
  socialCapital: distinctList(SocialCapitalSchema, 3).default([]),
  inclusionFeatures: distinctList(InclusionFeatureSchema, INCLUSION_FEATURE_CODES.length).default([]),
  targetGroups: distinctList(TargetGroupSchema, TARGET_GROUP_CODES.length).default([]),
  languages: distinctList(LanguageCodeSchema, 20).default([]),
  characteristics: distinctList(CharacteristicSchema, CHARACTERISTIC_CODES.length).default([]),
  schedule: ScheduleSchema.default({ alwaysOpen: false, openingHours: [], meetings: [] }),
  contact: ContactSchema.default({}),
  asks: z.array(ExchangeSchema).max(20).default([]),
  offers: z.array(ExchangeSchema).max(20).default([]),
  location: DutchPointSchema,
  /** Without it: `street` for a talent, `exact` for everything else. */
  precision: LocationPrecisionSchema.optional(),
  address: AddressSchema.default({}),
  /** The resident's choice: professionals (not the public) may see the contact details. */
  shareContactWithProfessionals: z.boolean().default(false),
  /** What a talent can give, from the shared vocabulary (public, like the category). */
  skills: distinctList(SkillSchema, SKILL_CODES.length).optional(),
  /** When a talent's person is available (private: owner, moderators, matching). */
  availability: AvailabilitySchema.optional(),
  /** Inclusion features the talent's person needs of a place (private: owner, moderators, matching). */
  needsInclusion: distinctList(InclusionFeatureSchema, INCLUSION_FEATURE_CODES.length).optional(),
};

/** Where an asset came from. Set by Kwartier (the API, a seed, an import), never by a client. */
const provenanceFields = {
  source: z.string().trim().min(1).max(100),
  sourceId: z.string().trim().min(1).max(200).optional(),
  isSample: z.boolean().default(false),
};

function categoryFitsKind(value: { kind?: string; category?: string }): boolean {
  if (value.kind === undefined || value.category === undefined) return true;
  return categoryKind(value.category as z.infer<typeof CategorySchema>) === value.kind;
}
const categoryFitsKindIssue = { message: 'this category does not belong to the asset kind', path: ['category'], ...whenFieldsValid };

/** A talent is a person's gift: it is never shown at an exact address. */
function talentIsNotExact(value: { kind?: string; precision?: string }): boolean {
  return !(value.kind === 'talent' && value.precision === 'exact');
}
const talentIsNotExactIssue = {
  message: "a talent's location is shown at street or buurt precision, never exact",
  path: ['precision'],
  ...whenFieldsValid,
};

/** The rules every new asset keeps, whoever makes it, and the precision it gets by default. */
function withAssetRules<T extends z.ZodType<{ kind: string; category: string; precision?: z.infer<typeof LocationPrecisionSchema> | undefined }>>(schema: T) {
  return schema
    .refine(categoryFitsKind, categoryFitsKindIssue)
    .refine(talentIsNotExact, talentIsNotExactIssue)
    .transform((asset) => ({
      ...asset,
      precision: asset.precision ?? (asset.kind === 'talent' ? ('street' as const) : ('exact' as const)),
    }));
}

/**
 * A new asset as a person submits it. It has no status, owner or provenance: every submission
 * starts as `pending`, owned by whoever is signed in, and a body that names any other field
 * is refused. The consent names the version of the wording the person was shown.
 */
export const AssetCreateSchema = withAssetRules(
  z.object({ ...assetFields, consent: ConsentGivenSchema }).strict(),
);
export type AssetCreate = z.infer<typeof AssetCreateSchema>;

/** A new asset from a seed or an import, with its provenance (source and source id). */
export const AssetImportSchema = withAssetRules(
  z.object({ ...assetFields, status: AssetStatusSchema.default('published'), ...provenanceFields }).strict(),
);
export type AssetImport = z.infer<typeof AssetImportSchema>;
export type Provenance = Pick<AssetImport, 'source' | 'sourceId' | 'isSample'>;

/** An update names only the fields it changes. Kind and category are checked together
 * against the stored asset by the service, since one may change without the other. */
export const AssetUpdateSchema = z
  .object({
    kind: assetFields.kind,
    category: assetFields.category,
    name: assetFields.name,
    description: z.string().trim().max(5000),
    socialCapital: distinctList(SocialCapitalSchema, 3),
    inclusionFeatures: distinctList(InclusionFeatureSchema, INCLUSION_FEATURE_CODES.length),
    targetGroups: distinctList(TargetGroupSchema, TARGET_GROUP_CODES.length),
    languages: distinctList(LanguageCodeSchema, 20),
    characteristics: distinctList(CharacteristicSchema, CHARACTERISTIC_CODES.length),
    schedule: ScheduleSchema,
    contact: ContactSchema,
    asks: z.array(ExchangeSchema).max(20),
    offers: z.array(ExchangeSchema).max(20),
    location: DutchPointSchema,
    precision: LocationPrecisionSchema,
    address: AddressSchema,
    shareContactWithProfessionals: z.boolean(),
    skills: distinctList(SkillSchema, SKILL_CODES.length),
    availability: AvailabilitySchema,
    needsInclusion: distinctList(InclusionFeatureSchema, INCLUSION_FEATURE_CODES.length),
    /** Needed when the author starts sharing their contact details with professionals. */
    consent: ConsentGivenSchema,
  })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'send at least one field to change', ...whenFieldsValid });
export type AssetUpdate = z.infer<typeof AssetUpdateSchema>;

export { categoryFitsKind, talentIsNotExact };

export const AssetSchema = z.object({
  id: z.uuid(),
  kind: AssetKindSchema,
  category: CategorySchema,
  name: z.string(),
  description: z.string(),
  socialCapital: z.array(SocialCapitalSchema),
  inclusionFeatures: z.array(InclusionFeatureSchema),
  targetGroups: z.array(TargetGroupSchema),
  languages: z.array(z.string()),
  characteristics: z.array(CharacteristicSchema),
  schedule: ScheduleSchema,
  contact: ContactSchema,
  asks: z.array(ExchangeSchema),
  offers: z.array(ExchangeSchema),
  /** The public location: for talents and non-exact assets, snapped when stored. */
  location: GeoJsonPointSchema,
  precision: LocationPrecisionSchema,
  address: AddressSchema,
  status: AssetStatusSchema,
  buurt: AreaRefSchema.nullable(),
  wijk: AreaRefSchema.nullable(),
  gemeente: AreaRefSchema.nullable(),
  provenance: z.object({ source: z.string(), sourceId: z.string().nullable(), isSample: z.boolean() }),
  /** A person added it through Kwartier: they can be asked for contact through the platform. */
  reachableThroughKwartier: z.boolean(),
  /** A talent's skills, when it names any. */
  skills: z.array(SkillSchema).optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Asset = z.infer<typeof AssetSchema>;

/**
 * An entry as its author and the moderators see it: the exact location and every contact
 * detail, the moderator's last message, and how many reports are open. Never sent to anyone
 * else; the route that sends it checks who asks.
 */
export const ManagedAssetSchema = AssetSchema.extend({
  exactLocation: GeoJsonPointSchema,
  ownerId: z.uuid().nullable(),
  /** The author's display name, for moderators; null for imports and deleted accounts. */
  ownerName: z.string().nullable(),
  shareContactWithProfessionals: z.boolean(),
  moderationMessage: z.string().nullable(),
  openReports: z.number().int().nonnegative(),
  /** A talent's availability and the inclusion features its person needs, when set. */
  availability: AvailabilitySchema.optional(),
  needsInclusion: z.array(InclusionFeatureSchema).optional(),
});
export type ManagedAsset = z.infer<typeof ManagedAssetSchema>;

export const NearbyAssetSchema = AssetSchema.extend({ distanceMeters: z.number().nonnegative() });
export type NearbyAsset = z.infer<typeof NearbyAssetSchema>;

// ---------------------------------------------------------------------------------------------
// Query strings. A filter accepts a repeated parameter (?kind=a&kind=b) or a comma list
// (?kind=a,b). Within one filter any value matches, except inclusion features, which must all
// be present: a client who needs low-stimulus *and* wheelchair access needs both.

function listParam<T extends z.ZodType>(item: T, max = 20) {
  return z.preprocess((raw) => {
    const values = Array.isArray(raw) ? raw : raw === undefined ? undefined : [raw];
    return values?.flatMap((value) => (typeof value === 'string' ? value.split(',') : [value]))
      .map((value) => (typeof value === 'string' ? value.trim() : value))
      .filter((value) => value !== '');
  }, z.array(item).min(1).max(max).optional());
}

const booleanParam = z.preprocess(
  (raw) => (raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw),
  z.boolean().optional(),
);

const BboxSchema = z.preprocess(
  // Each part in decimal notation, as every other number in a query string: "0x10" is no latitude 16.
  (raw) => (typeof raw === 'string' ? raw.split(',').map(decimalNumber) : raw),
  z
    .tuple([LongitudeSchema, LatitudeSchema, LongitudeSchema, LatitudeSchema], {
      message: 'expected bbox as minLon,minLat,maxLon,maxLat',
    })
    .refine(([minLon, minLat, maxLon, maxLat]) => minLon < maxLon && minLat < maxLat, {
      message: 'bbox minimum must be below its maximum (minLon,minLat,maxLon,maxLat)',
    }),
);

export const AreaCodeSchema = z.string().regex(AREA_CODE_PATTERN, 'expected a CBS code such as GM0546, WK054600 or BU05460000');

export const MAX_PAGE_SIZE = 100;

export const assetFilterFields = {
  kind: listParam(AssetKindSchema),
  category: listParam(CategorySchema, 50),
  socialCapital: listParam(SocialCapitalSchema),
  inclusion: listParam(InclusionFeatureSchema).describe('inclusion features that must all be present'),
  targetGroup: listParam(TargetGroupSchema),
  characteristic: listParam(CharacteristicSchema),
  status: listParam(AssetStatusSchema),
  area: listParam(AreaCodeSchema).describe('CBS codes of gemeenten, wijken or buurten (GM0546, WK054600, BU05460000)'),
  bbox: BboxSchema.optional().describe('minLon,minLat,maxLon,maxLat in WGS84, e.g. 4.48,52.15,4.50,52.17'),
  q: z.string().trim().min(1).max(200).optional().describe('text in the name or description'),
  openNow: booleanParam.describe('only what is open or meets now, in Europe/Amsterdam time'),
  /** Open at another moment than now, for example "Tuesday afternoon": an ISO date-time. */
  openAt: z.preprocess(
    // An unencoded '+' in a query string arrives as a space: "14:30:00 01:00" meant "+01:00".
    (raw) => (typeof raw === 'string' ? raw.replace(/ (\d{2}:?\d{2})$/, '+$1') : raw),
    z.iso
      .datetime({ offset: true, message: 'expected an ISO date-time such as 2026-12-01T14:30:00+01:00' })
      .refine((text) => /^(19[7-9]\d|2[01]\d\d)-/.test(text), { message: 'expected a year from 1970 to 2199', ...whenFieldsValid })
      .optional(),
  ),
  limit: numberParam(z.number().int().min(1).max(MAX_PAGE_SIZE).default(20)),
  offset: numberParam(z.number().int().min(0).max(10_000).default(0)),
};

export const AssetListQuerySchema = z.object(assetFilterFields).strict();

/**
 * The filters of the list, for map tiles: the tile itself is the area and the page, and a map
 * shows published assets only (tiles are cached publicly, by proxies too).
 */
const { limit: _limit, offset: _offset, bbox: _bbox, status: _status, ...tileFilterFields } = assetFilterFields;
export const AssetTileQuerySchema = z.object(tileFilterFields).strict();
export type AssetTileQuery = z.infer<typeof AssetTileQuerySchema>;
export type AssetListQuery = z.infer<typeof AssetListQuerySchema>;

export const MAX_NEARBY_RADIUS_METERS = 50_000;

export const NearbyQuerySchema = z
  .object({
    ...assetFilterFields,
    lat: numberParam(LatitudeSchema),
    lon: numberParam(LongitudeSchema),
    radius: numberParam(z.number().positive().max(MAX_NEARBY_RADIUS_METERS).default(2_000)),
  })
  .strict();
export type NearbyQuery = z.infer<typeof NearbyQuerySchema>;

export type AssetFilters = Omit<AssetListQuery, 'limit' | 'offset'>;

/**
 * A list counts what matches up to this many: past it, "more than 1,000" tells a person all a
 * list can (narrow the filters or the map), and counting every asset of the country on each
 * pan of a national map cost hundreds of milliseconds. Pages still go on past it.
 */
export const COUNT_CAP = 1_000;

const totalFields = {
  total: z.number().int().nonnegative().describe(`how many match, counted up to ${COUNT_CAP}`),
  totalCapped: z.boolean().describe(`true when more than ${COUNT_CAP} match: \`total\` is then ${COUNT_CAP}`),
};

export const AssetPageSchema = z.object({
  items: z.array(AssetSchema),
  ...totalFields,
  limit: z.number().int(),
  offset: z.number().int(),
});
export type AssetPage = z.infer<typeof AssetPageSchema>;

export const NearbyResultSchema = z.object({
  items: z.array(NearbyAssetSchema),
  /** How many assets match within the radius (up to COUNT_CAP), of which `items` is one page. */
  ...totalFields,
  limit: z.number().int(),
  offset: z.number().int(),
  center: z.object({ lat: z.number(), lon: z.number() }),
  radius: z.number(),
});
export type NearbyResult = z.infer<typeof NearbyResultSchema>;

export const AssetIdParamsSchema = z.object({ id: z.uuid({ message: 'expected an asset id (a UUID)' }) }).strict();
