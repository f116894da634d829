import { z } from 'zod';
import type { Label } from './taxonomy.ts';
import { PublishedCountSchema } from './small-counts.ts';

/**
 * Spreidingsbeleid: can a buurt carry the placement of people who leave sheltered housing or
 * shelter? Draagkracht (what carries) is built from the buurtscan's indicators; draaglast (what
 * weighs) from figures the municipality enters per buurt and from CBS figures. Both are
 * transparent: every score lists its parts, and the parts add up to the score.
 */

/** Figures a municipality enters per buurt; `people` marks counts of people (see small-counts.ts for how the public sees them). */
export const CONTEXT_FIELDS = [
  {
    code: 'placed_sheltered_housing',
    label: { nl: 'Geplaatst vanuit beschermd wonen', en: 'Placed from sheltered housing' },
    description: { nl: 'Mensen die de afgelopen twaalf maanden vanuit beschermd wonen in de buurt zijn gaan wonen.', en: 'People who moved into the buurt from sheltered housing in the past twelve months.' },
    people: true,
    max: 10_000,
  },
  {
    code: 'placed_shelter',
    label: { nl: 'Geplaatst vanuit de opvang', en: 'Placed from shelter' },
    description: { nl: 'Mensen die de afgelopen twaalf maanden vanuit de maatschappelijke opvang in de buurt zijn gaan wonen.', en: 'People who moved into the buurt from shelter in the past twelve months.' },
    people: true,
    max: 10_000,
  },
  {
    code: 'known_pressure',
    label: { nl: 'Andere bekende druk (0–10)', en: 'Other known pressure (0–10)' },
    description: { nl: 'Het oordeel van wijkteam en gemeente over overlast, spanningen en andere druk, van 0 (geen) tot 10 (zeer veel).', en: 'The neighbourhood team’s and municipality’s judgement of nuisance, tension and other pressure, from 0 (none) to 10 (very much).' },
    people: false,
    max: 10,
  },
] as const satisfies ReadonlyArray<{ code: string; label: Label; description: Label; people: boolean; max: number }>;
export type ContextField = (typeof CONTEXT_FIELDS)[number]['code'];
export const CONTEXT_FIELD_CODES = CONTEXT_FIELDS.map((field) => field.code) as [ContextField, ...ContextField[]];

/**
 * Where a part of a score comes from: a buurtscan indicator, a figure the municipality entered,
 * or a CBS key figure, optionally per 1,000 inhabitants.
 */
export type ScoreSource =
  | { from: 'indicator'; code: string }
  | { from: 'context'; fields: readonly ContextField[]; per1000: boolean }
  | { from: 'cbs'; field: string; per1000: boolean };

export type ScorePart = { code: string; label: Label; source: ScoreSource; weight: number };

export const DRAAGKRACHT_PARTS: readonly ScorePart[] = [
  { code: 'assets', label: { nl: 'Aanbod per 1.000 inwoners', en: 'Assets per 1,000 inhabitants' }, source: { from: 'indicator', code: 'assets_per_1000' }, weight: 2 },
  { code: 'meeting_place', label: { nl: 'Inwoners binnen 1 km van een ontmoetingsplek', en: 'Inhabitants within 1 km of a meeting place' }, source: { from: 'indicator', code: 'reach_1000.meeting_place' }, weight: 2 },
  { code: 'contact_point', label: { nl: 'Inwoners binnen 1 km van een aanspreekpunt', en: 'Inhabitants within 1 km of a contact point' }, source: { from: 'indicator', code: 'reach_1000.contact_point' }, weight: 2 },
  { code: 'peer_support', label: { nl: 'Inwoners binnen 1 km van een lotgenotengroep', en: 'Inhabitants within 1 km of a peer-support group' }, source: { from: 'indicator', code: 'reach_1000.peer_support' }, weight: 1 },
  { code: 'welcomes_psychiatric', label: { nl: 'Aanbod dat mensen met psychische kwetsbaarheid verwelkomt', en: 'Assets that welcome people with psychiatric problems' }, source: { from: 'indicator', code: 'target_group.psychiatric' }, weight: 1 },
  { code: 'low_stimulus', label: { nl: 'Prikkelarm aanbod', en: 'Low-stimulus assets' }, source: { from: 'indicator', code: 'inclusion.low_stimulus' }, weight: 1 },
  { code: 'bridging', label: { nl: 'Overbruggend aanbod', en: 'Bridging assets' }, source: { from: 'indicator', code: 'social_capital.bridging' }, weight: 1 },
];

export const DRAAGLAST_PARTS: readonly ScorePart[] = [
  {
    code: 'placed',
    label: { nl: 'Geplaatst (beschermd wonen en opvang) per 1.000 inwoners', en: 'Placed (sheltered housing and shelter) per 1,000 inhabitants' },
    source: { from: 'context', fields: ['placed_sheltered_housing', 'placed_shelter'], per1000: true },
    weight: 3,
  },
  { code: 'known_pressure', label: { nl: 'Andere bekende druk', en: 'Other known pressure' }, source: { from: 'context', fields: ['known_pressure'], per1000: false }, weight: 2 },
  { code: 'social_assistance', label: { nl: 'Bijstandsuitkeringen per 1.000 inwoners (CBS)', en: 'Social assistance benefits per 1,000 inhabitants (CBS)' }, source: { from: 'cbs', field: 'WWB_UITTOT', per1000: true }, weight: 1 },
  { code: 'single_households', label: { nl: 'Aandeel eenpersoonshuishoudens (CBS)', en: 'Share of single-person households (CBS)' }, source: { from: 'cbs', field: 'P_EENP_HH', per1000: false }, weight: 1 },
];

export const SCORE_METHOD: Label = {
  nl:
    'Elk onderdeel wordt binnen de gemeente geschaald van 0 (de laagste buurt) tot 1 (de hoogste); zijn alle buurten gelijk, dan telt het als 0,5. ' +
    'Een buurt zonder waarde voor een onderdeel telt dat onderdeel niet mee. De score is 100 × Σ (gewicht × geschaalde waarde) / Σ gewichten, ' +
    'en elk onderdeel draagt zijn eigen deel daarvan bij: de bijdragen tellen op tot de score.',
  en:
    'Each part is scaled within the gemeente from 0 (the lowest buurt) to 1 (the highest); where all buurten are equal it counts as 0.5. ' +
    'A buurt without a value for a part leaves that part out. The score is 100 × Σ (weight × scaled value) / Σ weights, ' +
    'and each part contributes its own share of it: the contributions add up to the score.',
};

/** Weights analysts set, by score and part code; parts not named keep their default weight. */
export const ScoreWeightsSchema = z
  .object({
    draagkracht: z.record(z.string(), z.number().min(0).max(100)),
    draaglast: z.record(z.string(), z.number().min(0).max(100)),
  })
  .strict()
  .superRefine((weights, context) => {
    for (const [score, parts] of [['draagkracht', DRAAGKRACHT_PARTS], ['draaglast', DRAAGLAST_PARTS]] as const) {
      const known = new Set(parts.map((part) => part.code));
      for (const code of Object.keys(weights[score])) {
        if (!known.has(code)) context.addIssue({ code: 'custom', path: [score, code], message: `unknown part; expected one of ${[...known].join(', ')}` });
      }
    }
  });
export type ScoreWeights = z.infer<typeof ScoreWeightsSchema>;

export const DEFAULT_WEIGHTS: ScoreWeights = {
  draagkracht: Object.fromEntries(DRAAGKRACHT_PARTS.map((part) => [part.code, part.weight])),
  draaglast: Object.fromEntries(DRAAGLAST_PARTS.map((part) => [part.code, part.weight])),
};

export type PartResult = {
  code: string;
  raw: number | null;
  scaled: number | null;
  weight: number;
  /** This part's share of the score, in score points. */
  contribution: number;
};
export type ScoreResult = { score: number | null; parts: PartResult[] };

/**
 * Scores for a set of buurten from their raw part values: min-max scaled within the set,
 * weighted, and split into contributions that add up to the score (see SCORE_METHOD).
 */
export function computeScores(
  parts: readonly ScorePart[],
  weights: Record<string, number>,
  raws: ReadonlyArray<Record<string, number | null>>,
): ScoreResult[] {
  const ranges = new Map(
    parts.map((part) => {
      const values = raws.map((raw) => raw[part.code]).filter((value): value is number => value !== null && value !== undefined);
      return [part.code, values.length > 0 ? { min: Math.min(...values), max: Math.max(...values) } : null] as const;
    }),
  );
  return raws.map((raw) => {
    const scaled = parts.map((part) => {
      const value = raw[part.code] ?? null;
      const range = ranges.get(part.code);
      if (value === null || !range) return { part, value, scaled: null as number | null };
      return { part, value, scaled: range.max === range.min ? 0.5 : (value - range.min) / (range.max - range.min) };
    });
    const counted = scaled.filter((entry) => entry.scaled !== null);
    const totalWeight = counted.reduce((sum, entry) => sum + (weights[entry.part.code] ?? entry.part.weight), 0);
    const results: PartResult[] = scaled.map(({ part, value, scaled: s }) => {
      const weight = weights[part.code] ?? part.weight;
      const contribution = s === null || totalWeight === 0 ? 0 : (100 * weight * s) / totalWeight;
      return { code: part.code, raw: value, scaled: s, weight, contribution };
    });
    const score = totalWeight === 0 ? null : results.reduce((sum, part) => sum + part.contribution, 0);
    return { score, parts: results };
  });
}

// The API -------------------------------------------------------------------------------------

export const ContextUpdateSchema = z
  .object({
    values: z
      .object(Object.fromEntries(CONTEXT_FIELDS.map((field) => [field.code, z.number().min(0).max(field.max).nullable()])) as Record<ContextField, z.ZodNullable<z.ZodNumber>>)
      .partial()
      .strict()
      .refine((values) => Object.keys(values).length > 0, { message: 'send at least one figure' }),
    note: z.string().trim().max(1000).optional(),
  })
  .strict();
export type ContextUpdate = z.infer<typeof ContextUpdateSchema>;

export const AreaContextSchema = z.object({
  code: z.string(),
  values: z.record(z.string(), z.number().nullable()),
  history: z.array(
    z.object({
      field: z.string(),
      from: z.number().nullable(),
      to: z.number().nullable(),
      note: z.string().nullable(),
      actorId: z.string().nullable(),
      actorName: z.string().nullable(),
      at: z.iso.datetime(),
    }),
  ),
});

const PartResultSchema = z.object({
  code: z.string(),
  raw: z.number().nullable(),
  scaled: z.number().nullable(),
  weight: z.number(),
  contribution: z.number(),
});
const ScoreResultSchema = z.object({ score: z.number().nullable(), parts: z.array(PartResultSchema) });

export const ScoresSchema = z.object({
  gemeente: z.string(),
  year: z.number().int(),
  weights: ScoreWeightsSchema,
  buurten: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      inhabitants: z.number().int().nullable(),
      draagkracht: ScoreResultSchema,
      draaglast: ScoreResultSchema,
      /** Draagkracht minus draaglast: above zero, the buurt can carry more than it bears now. */
      balance: z.number().nullable(),
    }),
  ),
});
export type Scores = z.infer<typeof ScoresSchema>;

export const ScoresQuerySchema = z
  .object({
    gemeente: z.string().regex(/^GM[0-9]{4}$/, 'expected a gemeente code such as GM0546'),
    year: z.preprocess((raw) => (typeof raw === 'string' && /^\d{4}$/.test(raw) ? Number(raw) : raw), z.number().int().min(1990).max(2100).optional()),
  })
  .strict();

// People placed, for everyone ------------------------------------------------------------------

/** The entered figures that count people placed; the public sees their sum per area. */
export const PLACED_FIELDS = CONTEXT_FIELDS.filter((field) => field.code.startsWith('placed_')).map((field) => field.code);

export const PLACED_LABEL: Label = {
  nl: 'Geplaatst vanuit beschermd wonen en de opvang (afgelopen twaalf maanden)',
  en: 'Placed from sheltered housing and shelter (past twelve months)',
};

const PlacedAreaSchema = z.object({ code: z.string(), name: z.string(), count: PublishedCountSchema.nullable() });

/**
 * People placed per buurt, wijk and the gemeente. The public gets the small counts suppressed
 * across all three levels at once (so that no wijk or gemeente total gives a buurt away);
 * analysts get the exact figures (`exact`). `count` is null where no figure was entered; a
 * wijk's count is the sum of its buurten with figures.
 */
export const PlacementsSchema = z.object({
  gemeente: PlacedAreaSchema,
  year: z.number().int(),
  exact: z.boolean(),
  wijken: z.array(PlacedAreaSchema),
  buurten: z.array(PlacedAreaSchema.extend({ wijkCode: z.string().nullable() })),
});
export type Placements = z.infer<typeof PlacementsSchema>;
