import { z } from 'zod';
import {
  ASSET_KINDS,
  CATEGORIES,
  INCLUSION_FEATURES,
  type Label,
  SOCIAL_CAPITAL_TYPES,
  TARGET_GROUPS,
} from './taxonomy.ts';
import { AssetKindSchema, CategorySchema } from './asset.ts';

/**
 * The buurtscan's indicators, defined once: what each one measures, how (a formula in words),
 * in which unit, in Dutch and English. The server turns each `measure` into SQL; the web app
 * shows the labels, descriptions and formulas; the report prints them as its method.
 *
 * "Assets" are the published assets of the map whose public place lies in the area (the
 * buurt, wijk or gemeente the database derived from that place).
 */

/** Which assets an indicator counts. Every condition given must hold. */
export type AssetSelection = {
  kinds?: readonly string[];
  categories?: readonly string[];
  socialCapital?: string;
  targetGroup?: string;
  inclusion?: string;
};

export type IndicatorMeasure =
  /** Assets per 1,000 inhabitants of the area. */
  | { type: 'per1000'; select: AssetSelection }
  /** The share (0 to 1) of the area's assets that meet the selection. */
  | { type: 'share'; select: AssetSelection }
  /** The share (0 to 1) of the area's inhabitants within `meters` of an asset of the selection. */
  | { type: 'reach'; target: string; select: AssetSelection; meters: number };

export const INDICATOR_GROUPS = [
  { code: 'density', label: { nl: 'Aanbod per 1.000 inwoners', en: 'Assets per 1,000 inhabitants' } },
  { code: 'social_capital', label: { nl: 'Sociaal kapitaal', en: 'Social capital' } },
  { code: 'target_groups', label: { nl: 'Voor wie', en: 'Who is welcome' } },
  { code: 'inclusion', label: { nl: 'Toegankelijk en welkom', en: 'Accessible and welcoming' } },
  { code: 'reach', label: { nl: 'Bereik', en: 'Reach' } },
] as const satisfies ReadonlyArray<{ code: string; label: Label }>;
export type IndicatorGroup = (typeof INDICATOR_GROUPS)[number]['code'];

export const INDICATOR_UNITS = {
  per_1000: { nl: 'per 1.000 inwoners', en: 'per 1,000 inhabitants' },
  share_of_assets: { nl: 'aandeel van het aanbod', en: 'share of the assets' },
  share_of_inhabitants: { nl: 'aandeel van de inwoners', en: 'share of the inhabitants' },
} as const satisfies Record<string, Label>;
export type IndicatorUnit = keyof typeof INDICATOR_UNITS;

export type Indicator = {
  code: string;
  group: IndicatorGroup;
  label: Label;
  description: Label;
  formula: Label;
  unit: IndicatorUnit;
  measure: IndicatorMeasure;
};

/**
 * Places that reach serves, by what a professional would look for. Meeting places are the
 * indoor places to meet (buurthuis, library, community restaurant, language and repair cafés)
 * and every outdoor meeting place.
 */
export const REACH_TARGETS = [
  { code: 'peer_support', label: { nl: 'een lotgenotengroep', en: 'a peer-support group' }, select: { categories: ['lotgenotengroep'] } },
  {
    code: 'meeting_place',
    label: { nl: 'een ontmoetingsplek', en: 'a meeting place' },
    select: { categories: ['buurthuis', 'bibliotheek', 'buurtrestaurant', 'taalcafe', 'repair_cafe', 'speeltuin', 'plein', 'park', 'bankje'] },
  },
  { code: 'walk_in', label: { nl: 'een inloop', en: 'a walk-in' }, select: { categories: ['inloop'] } },
  { code: 'contact_point', label: { nl: 'een aanspreekpunt', en: 'a contact point' }, select: { kinds: ['contact_point'] } },
] as const satisfies ReadonlyArray<{ code: string; label: Label; select: AssetSelection }>;

export const REACH_DISTANCES = [500, 1000] as const;

/** How inhabitants are placed for reach: stated in every reach indicator's description. */
export const POPULATION_MODEL: Label = {
  nl:
    'Bevolkingsmodel: de inwoners van een buurt wonen gelijk verdeeld over het gebied van de buurt (de CBS-buurtgrens). ' +
    'Het bereik van een buurt is het deel van haar oppervlak binnen de afstand (hemelsbreed) van zo’n plek; ' +
    'voor een wijk of gemeente het naar inwoners gewogen gemiddelde van haar buurten, of, waar geen buurten bekend zijn, het eigen oppervlak.',
  en:
    'Population model: the inhabitants of a buurt live evenly spread over its area (the CBS boundary). ' +
    'The reach of a buurt is the part of its area within the distance (as the crow flies) of such a place; ' +
    'for a wijk or gemeente the inhabitant-weighted mean of its buurten, or, where no buurten are known, its own area.',
};

const ASSETS_IN_AREA: Label = {
  nl: 'gepubliceerde plekken met hun openbare plek in het gebied',
  en: 'published assets whose public place lies in the area',
};

function per1000(code: string, name: Label, select: AssetSelection): Indicator {
  return {
    code,
    group: 'density',
    label: name,
    description: {
      nl: `Aantal ${ASSETS_IN_AREA.nl} (${name.nl.toLowerCase()}), per 1.000 inwoners (CBS).`,
      en: `Number of ${ASSETS_IN_AREA.en} (${name.en.toLowerCase()}), per 1,000 inhabitants (CBS).`,
    },
    formula: { nl: 'aantal × 1000 / inwoners', en: 'count × 1000 / inhabitants' },
    unit: 'per_1000',
    measure: { type: 'per1000', select },
  };
}

function share(code: string, group: IndicatorGroup, name: Label, select: AssetSelection): Indicator {
  return {
    code,
    group,
    label: name,
    description: {
      nl: `Het deel van de ${ASSETS_IN_AREA.nl} dat ${name.nl.toLowerCase()} is.`,
      en: `The share of the ${ASSETS_IN_AREA.en} that is ${name.en.toLowerCase()}.`,
    },
    formula: { nl: 'aantal met dit kenmerk / aantal plekken', en: 'count with this trait / count of assets' },
    unit: 'share_of_assets',
    measure: { type: 'share', select },
  };
}

function reach(target: (typeof REACH_TARGETS)[number], meters: number): Indicator {
  return {
    code: `reach_${meters}.${target.code}`,
    group: 'reach',
    label: { nl: `Inwoners binnen ${meters} m van ${target.label.nl}`, en: `Inhabitants within ${meters} m of ${target.label.en}` },
    description: {
      nl: `Het deel van de inwoners dat binnen ${meters} meter van ${target.label.nl} woont. ${POPULATION_MODEL.nl}`,
      en: `The share of the inhabitants who live within ${meters} metres of ${target.label.en}. ${POPULATION_MODEL.en}`,
    },
    formula: {
      nl: 'Σ inwoners(buurt) × oppervlak(buurt ∩ zone) / oppervlak(buurt) / Σ inwoners',
      en: 'Σ inhabitants(buurt) × area(buurt ∩ zone) / area(buurt) / Σ inhabitants',
    },
    unit: 'share_of_inhabitants',
    measure: { type: 'reach', target: target.code, select: target.select, meters },
  };
}

export const INDICATORS: readonly Indicator[] = [
  per1000('assets_per_1000', { nl: 'Alle plekken', en: 'All assets' }, {}),
  ...ASSET_KINDS.map((kind) => per1000(`assets_per_1000.kind.${kind.code}`, kind.label, { kinds: [kind.code] })),
  ...CATEGORIES.map((category) => per1000(`assets_per_1000.category.${category.code}`, category.label, { categories: [category.code] })),
  ...SOCIAL_CAPITAL_TYPES.map((type) =>
    share(`social_capital.${type.code}`, 'social_capital', { nl: `${type.label.nl}`, en: `${type.label.en}` }, { socialCapital: type.code }),
  ),
  ...TARGET_GROUPS.map((group) =>
    share(`target_group.${group.code}`, 'target_groups', { nl: `Welkom: ${group.label.nl}`, en: `Welcomes: ${group.label.en}` }, { targetGroup: group.code }),
  ),
  ...INCLUSION_FEATURES.map((feature) => share(`inclusion.${feature.code}`, 'inclusion', feature.label, { inclusion: feature.code })),
  ...REACH_DISTANCES.flatMap((meters) => REACH_TARGETS.map((target) => reach(target, meters))),
];

export const INDICATOR_CODES = INDICATORS.map((indicator) => indicator.code);
export const indicatorByCode = (code: string): Indicator | undefined => INDICATORS.find((indicator) => indicator.code === code);

// The API -------------------------------------------------------------------------------------

const INDICATOR_CODE_SET = new Set(INDICATOR_CODES);

export const BuurtscanQuerySchema = z
  .object({
    level: z.enum(['buurt', 'wijk', 'gemeente']).default('buurt'),
    gemeente: z
      .string()
      .regex(/^GM[0-9]{4}$/, 'expected a gemeente code such as GM0546')
      .optional()
      .describe('the areas of this gemeente; without it, every area of the level'),
    year: z.preprocess((raw) => (typeof raw === 'string' && /^\d{4}$/.test(raw) ? Number(raw) : raw), z.number().int().min(1990).max(2100).optional()),
    indicators: z
      .preprocess(
        (raw) => (typeof raw === 'string' ? raw.split(',').map((part) => part.trim()).filter(Boolean) : raw),
        z.array(z.string().refine((code) => INDICATOR_CODE_SET.has(code), { message: 'unknown indicator; see GET /api/buurtscan/indicators' })).min(1).max(200),
      )
      .optional()
      .describe('indicator codes, comma-separated; without it, all'),
  })
  .strict();
export type BuurtscanQuery = z.infer<typeof BuurtscanQuerySchema>;

export const BuurtscanAreaSchema = z.object({
  code: z.string(),
  name: z.string(),
  level: z.enum(['buurt', 'wijk', 'gemeente']),
  gemeenteCode: z.string(),
  inhabitants: z.number().int().nullable(),
  assets: z.number().int(),
  values: z.record(z.string(), z.number().nullable()),
});
export type BuurtscanArea = z.infer<typeof BuurtscanAreaSchema>;

export const BuurtscanSchema = z.object({
  level: z.enum(['buurt', 'wijk', 'gemeente']),
  year: z.number().int().nullable(),
  indicators: z.array(z.string()),
  areas: z.array(BuurtscanAreaSchema),
  /** When the figures were computed, and from which data. */
  computedAt: z.iso.datetime(),
});
export type Buurtscan = z.infer<typeof BuurtscanSchema>;

export const IndicatorCatalogueSchema = z.object({
  groups: z.array(z.object({ code: z.string(), label: z.object({ nl: z.string(), en: z.string() }) })),
  indicators: z.array(
    z.object({
      code: z.string(),
      group: z.string(),
      label: z.object({ nl: z.string(), en: z.string() }),
      description: z.object({ nl: z.string(), en: z.string() }),
      formula: z.object({ nl: z.string(), en: z.string() }),
      unit: z.string(),
      unitLabel: z.object({ nl: z.string(), en: z.string() }),
    }),
  ),
});

export const GapsQuerySchema = z
  .object({
    gemeente: z.string().regex(/^GM[0-9]{4}$/, 'expected a gemeente code such as GM0546'),
    kind: AssetKindSchema.optional(),
    category: CategorySchema.optional(),
    distance: z.preprocess((raw) => (typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw), z.number().int().min(0).max(20_000).default(1000)),
    year: z.preprocess((raw) => (typeof raw === 'string' && /^\d{4}$/.test(raw) ? Number(raw) : raw), z.number().int().min(1990).max(2100).optional()),
  })
  .strict()
  .refine((query) => query.kind !== undefined || query.category !== undefined, { message: 'name a kind or a category', path: ['kind'] });

export const GapsSchema = z.object({
  distance: z.number(),
  selection: z.object({ kind: z.string().nullable(), category: z.string().nullable() }),
  /** Buurten with no such asset within the distance of any part of them. */
  buurten: z.array(z.object({ code: z.string(), name: z.string(), inhabitants: z.number().int().nullable(), nearestMeters: z.number().nullable() })),
});

/** The indicators a wijkanalyse weighs a wijk by: the headline ones, not every category. */
export const WIJKANALYSE_INDICATORS = INDICATORS.filter(
  (indicator) => !indicator.code.startsWith('assets_per_1000.category.') && !indicator.code.startsWith('target_group.'),
).map((indicator) => indicator.code);

const ComparisonSchema = z.object({ indicator: z.string(), value: z.number(), gemeenteValue: z.number(), ratio: z.number().nullable() });

export const WijkanalyseSchema = z.object({
  wijk: z.object({ code: z.string(), name: z.string(), inhabitants: z.number().int().nullable(), gemeenteCode: z.string(), year: z.number().int() }),
  /** Indicators where the wijk scores at least a fifth above its gemeente, strongest first. */
  strengths: z.array(ComparisonSchema),
  /** Indicators where it scores at least a fifth below, weakest first. */
  weaknesses: z.array(ComparisonSchema),
  /** Per kind of place reach measures: the wijk's buurten with none within 1 km. */
  gaps: z.array(z.object({ target: z.string(), buurten: z.array(z.object({ code: z.string(), name: z.string(), nearestMeters: z.number().nullable() })) })),
  /** The published assets in the wijk, by name. */
  assets: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string(), category: z.string() })),
  computedAt: z.iso.datetime(),
});
export type Wijkanalyse = z.infer<typeof WijkanalyseSchema>;
