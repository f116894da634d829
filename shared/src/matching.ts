import { z } from 'zod';
import {
  type Availability,
  AvailabilitySchema,
  AssetKindSchema,
  CategorySchema,
  DayPartSchema,
  type Exchange,
  ExchangeSchema,
  InclusionFeatureSchema,
  SkillSchema,
} from './asset.ts';
import { AreaRefSchema } from './area.ts';
import { ConsentGivenSchema } from './account.ts';
import { DutchPointSchema, numberParam } from './geo.ts';
import { type Schedule, ScheduleSchema, WEEKDAYS, type Weekday, WeekdaySchema, whenFieldsValid } from './schedule.ts';
import {
  DAY_PARTS,
  type InclusionFeature,
  type Label,
  type SkillCode,
  SKILL_CODES,
  skillsOfCategory,
} from './taxonomy.ts';

/**
 * Matching offers and asks: which asks fit a talent (or a professional's client), which talents
 * fit an ask, and the proposals that connect them. The ranking is explained: every result
 * carries its reasons, each with the points it adds, and the score is their sum (0 to 100).
 * The rules are here, in shared, so that the web app can say what the server did.
 */

/** Ask types a person can answer with their time and skills; a room or goods they cannot. */
export const MATCHABLE_ASK_TYPES = ['volunteers', 'skill', 'work_placement', 'company', 'other'] as const;

/** Distances are told in bands, never finer: a band says "near" without saying where. */
export const DISTANCE_BANDS = [
  { code: 'within_1km', label: { nl: 'binnen 1 km', en: 'within 1 km' }, maxMeters: 1_000, points: 25 },
  { code: '1_3km', label: { nl: '1 tot 3 km', en: '1 to 3 km' }, maxMeters: 3_000, points: 18 },
  { code: '3_5km', label: { nl: '3 tot 5 km', en: '3 to 5 km' }, maxMeters: 5_000, points: 12 },
  { code: '5_10km', label: { nl: '5 tot 10 km', en: '5 to 10 km' }, maxMeters: 10_000, points: 6 },
  { code: '10_25km', label: { nl: '10 tot 25 km', en: '10 to 25 km' }, maxMeters: 25_000, points: 2 },
] as const satisfies ReadonlyArray<{ code: string; label: Label; maxMeters: number; points: number }>;
export const DISTANCE_BAND_CODES = DISTANCE_BANDS.map((band) => band.code) as ['within_1km', '1_3km', '3_5km', '5_10km', '10_25km'];
export type DistanceBand = (typeof DISTANCE_BAND_CODES)[number];
export const DistanceBandSchema = z.enum(DISTANCE_BAND_CODES);
export const MAX_MATCH_RADIUS_METERS = 25_000;
/**
 * The radii a search may use: the edges of the distance bands, nothing in between. A radius that
 * could be stepped by the metre would tell, by where a result appears, how far it is exactly.
 */
export const MATCH_RADII = DISTANCE_BANDS.map((band) => band.maxMeters) as number[];
/**
 * Fewer fitting talents than this and the anonymous list of an ask shows none: in a sparse area
 * a list of one or two could be tied to a person one knows of (k-anonymity, k = 5).
 */
export const MIN_CANDIDATES = 5;

/** The points each reason adds; together at most 100. */
export const MATCH_POINTS = {
  /** The ask names a skill the talent has; each further shared skill adds `extraSkill`, twice at most. */
  namedSkill: 40,
  /** The ask names no skill, but its asset's category (or "company") stands for one the talent has. */
  categorySkill: 30,
  extraSkill: 5,
  /** The ask names no skill and its category stands for none: any help is welcome. */
  anyHelp: 10,
  /** At least one weekday and part of the day when the person is free and the asset is open. */
  overlappingTimes: 15,
  /** The person gave no availability, or the asset no schedule: ask about it. */
  timesUnknown: 5,
  /** The asset has every inclusion feature the person needs (shown to the person's side only). */
  inclusionMet: 10,
} as const;

export function distanceBand(meters: number): DistanceBand | null {
  return DISTANCE_BANDS.find((band) => meters <= band.maxMeters)?.code ?? null;
}

// Times -----------------------------------------------------------------------------------------

export const SlotSchema = z.object({ day: WeekdaySchema, part: DayPartSchema }).strict();
export type Slot = z.infer<typeof SlotSchema>;

const slotKey = (slot: Slot) => `${slot.day}-${slot.part}`;

function slotsOfRange(days: readonly Weekday[], from: string, to: string): Slot[] {
  return days.flatMap((day) => DAY_PARTS.filter((part) => from < part.to && to > part.from).map((part) => ({ day, part: part.code })));
}

/** The weekdays and parts of the day an asset is open or meets; null when its schedule says nothing. */
export function scheduleSlots(schedule: Schedule): Slot[] | null {
  if (schedule.alwaysOpen) return WEEKDAYS.flatMap((day) => DAY_PARTS.map((part) => ({ day, part: part.code })));
  const slots = [
    ...schedule.openingHours.flatMap((hours) => slotsOfRange(hours.days, hours.opens, hours.closes)),
    ...schedule.meetings.flatMap((meeting) => slotsOfRange([meeting.weekday], meeting.starts, meeting.ends)),
  ];
  if (slots.length === 0) return null;
  return sortSlots(slots);
}

function sortSlots(slots: Slot[]): Slot[] {
  const unique = new Map(slots.map((slot) => [slotKey(slot), slot]));
  const order = (slot: Slot) => WEEKDAYS.indexOf(slot.day) * 10 + DAY_PARTS.findIndex((part) => part.code === slot.part);
  return [...unique.values()].sort((a, b) => order(a) - order(b));
}

export function availabilitySlots(availability: Availability): Slot[] {
  return sortSlots(availability.flatMap((entry) => entry.parts.map((part) => ({ day: entry.day, part }))));
}

/** When the person is free and the asset open: null when either side does not say. */
export function overlappingSlots(availability: Availability, schedule: Schedule): Slot[] | null {
  const open = scheduleSlots(schedule);
  const free = availabilitySlots(availability);
  if (open === null || free.length === 0) return null;
  const openKeys = new Set(open.map(slotKey));
  return free.filter((slot) => openKeys.has(slotKey(slot)));
}

// Scoring ---------------------------------------------------------------------------------------

export const MatchReasonSchema = z.discriminatedUnion('code', [
  z.object({ code: z.literal('shared_skills'), skills: z.array(SkillSchema), named: z.boolean(), points: z.number().int() }),
  z.object({ code: z.literal('any_help_welcome'), points: z.number().int() }),
  z.object({ code: z.literal('distance'), band: DistanceBandSchema, points: z.number().int() }),
  /** `slots` only for the person's own side (and the ask's side once both agreed): when the person is free is private. */
  z.object({ code: z.literal('overlapping_times'), slots: z.array(SlotSchema).optional(), points: z.number().int() }),
  z.object({ code: z.literal('times_unknown'), points: z.number().int() }),
  z.object({ code: z.literal('no_overlapping_times'), points: z.number().int() }),
  /**
   * Only ever shown to the person's own side. `features` (what the person needs) only in a live
   * answer to that side; a stored match keeps the points, never the features.
   */
  z.object({ code: z.literal('inclusion_met'), features: z.array(InclusionFeatureSchema).optional(), points: z.number().int() }),
]);
export type MatchReason = z.infer<typeof MatchReasonSchema>;

/** What matching knows of the person's side: a talent, or a client described by a professional. */
export type MatchProfile = {
  category: string | null;
  skills: readonly SkillCode[];
  availability: Availability;
  needsInclusion: readonly InclusionFeature[];
};

/** What matching knows of the ask's side. */
export type AskTarget = {
  category: string;
  inclusionFeatures: readonly string[];
  schedule: Schedule;
  ask: Exchange;
};

/** A talent's skills: those it names, and those its category stands for. */
export function profileSkills(profile: Pick<MatchProfile, 'category' | 'skills'>): SkillCode[] {
  const all = new Set<SkillCode>([...profile.skills, ...(profile.category ? skillsOfCategory(profile.category) : [])]);
  return SKILL_CODES.filter((code) => all.has(code));
}

/** The skills an ask needs: those it names, else those of "company" or of its asset's category. */
export function askSkills(target: Pick<AskTarget, 'category' | 'ask'>): { skills: SkillCode[]; named: boolean } {
  if (target.ask.skills && target.ask.skills.length > 0) return { skills: [...target.ask.skills], named: true };
  if (target.ask.type === 'company') return { skills: ['gezelschap'], named: false };
  return { skills: skillsOfCategory(target.category), named: false };
}

export function isMatchableAsk(ask: Exchange): boolean {
  return (MATCHABLE_ASK_TYPES as readonly string[]).includes(ask.type);
}

export type MatchScore = { score: number; band: DistanceBand; overlap: Slot[]; reasons: MatchReason[] };

/**
 * How well an ask fits a person, or null when it does not: the ask is not one a person answers,
 * the asset lacks an inclusion feature the person needs (as in search, every one must be there),
 * it is too far, or it needs skills the person does not have.
 *
 * `applyInclusion: false` leaves the person's needs out altogether (no filter, no reason): for a
 * proposer who is not on the person's side, to whom neither may say anything about those needs;
 * the person's side decides by accepting or declining.
 */
export function scoreMatch(profile: MatchProfile, target: AskTarget, distanceMeters: number, options: { applyInclusion?: boolean } = {}): MatchScore | null {
  if (!isMatchableAsk(target.ask)) return null;
  const needs = options.applyInclusion === false ? [] : profile.needsInclusion;
  if (!needs.every((feature) => target.inclusionFeatures.includes(feature))) return null;
  const band = distanceBand(distanceMeters);
  if (band === null) return null;

  const reasons: MatchReason[] = [];
  const wanted = askSkills(target);
  if (wanted.skills.length === 0) {
    reasons.push({ code: 'any_help_welcome', points: MATCH_POINTS.anyHelp });
  } else {
    const has = new Set(profileSkills(profile));
    const shared = wanted.skills.filter((skill) => has.has(skill));
    if (shared.length === 0) return null;
    const base = wanted.named ? MATCH_POINTS.namedSkill : MATCH_POINTS.categorySkill;
    reasons.push({ code: 'shared_skills', skills: shared, named: wanted.named, points: base + MATCH_POINTS.extraSkill * Math.min(shared.length - 1, 2) });
  }

  reasons.push({ code: 'distance', band, points: DISTANCE_BANDS.find((b) => b.code === band)!.points });

  const overlap = overlappingSlots(profile.availability, target.schedule);
  if (overlap === null) reasons.push({ code: 'times_unknown', points: MATCH_POINTS.timesUnknown });
  else if (overlap.length > 0) reasons.push({ code: 'overlapping_times', slots: overlap, points: MATCH_POINTS.overlappingTimes });
  else reasons.push({ code: 'no_overlapping_times', points: 0 });

  if (needs.length > 0) {
    reasons.push({ code: 'inclusion_met', features: [...needs], points: MATCH_POINTS.inclusionMet });
  }
  return { score: sumPoints(reasons), band, overlap: overlap ?? [], reasons };
}

export const sumPoints = (reasons: readonly MatchReason[]) => reasons.reduce((sum, reason) => sum + reason.points, 0);

/**
 * The reasons another side may see: the inclusion features a person needs say something about
 * their health, so they stay with the person's own side (the filter still applied); and when the
 * person is free is theirs too, so the other side learns only that times overlap, not which,
 * unless `slots` (the ask's side, once both sides agreed).
 */
export function reasonsForOtherSide(reasons: readonly MatchReason[], options: { slots?: boolean } = {}): MatchReason[] {
  return reasons
    .filter((reason) => reason.code !== 'inclusion_met')
    .map((reason) => (reason.code === 'overlapping_times' && !options.slots ? { code: reason.code, points: reason.points } : reason));
}

/** The reasons as a match stores them: the points of the inclusion features met, never the features. */
export function reasonsToStore(reasons: readonly MatchReason[]): MatchReason[] {
  return reasons.map((reason) => (reason.code === 'inclusion_met' ? { code: reason.code, points: reason.points } : reason));
}

/** Best first; equal scores nearest first, then by a stable key, so the order never wavers. */
export function compareRanked(a: { score: number; meters: number; key: string }, b: { score: number; meters: number; key: string }): number {
  return b.score - a.score || a.meters - b.meters || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

// API -------------------------------------------------------------------------------------------

const radiusMessage = `one of ${MATCH_RADII.join(', ')} (metres: the edges of the distance bands)`;
const RadiusSchema = z.number().int().refine((radius) => MATCH_RADII.includes(radius), { message: radiusMessage });
const RadiusParam = numberParam(RadiusSchema.default(5_000)).describe(`metres, ${radiusMessage}`);
const LimitParam = numberParam(z.number().int().min(1).max(50).default(20));

export const MatchSearchQuerySchema = z.object({ radius: RadiusParam, limit: LimitParam }).strict();
export type MatchSearchQuery = z.infer<typeof MatchSearchQuerySchema>;

export const TalentIdParamsSchema = z.object({ id: z.uuid({ message: 'expected a talent id (a UUID)' }) }).strict();
export const AskParamsSchema = z
  .object({
    id: z.uuid({ message: 'expected an asset id (a UUID)' }),
    askIndex: numberParam(z.number().int().min(0).max(19)),
  })
  .strict();
export const MatchIdParamsSchema = z.object({ id: z.uuid({ message: 'expected a match id (a UUID)' }) }).strict();

const distinctSkills = z
  .array(SkillSchema)
  .min(1)
  .max(SKILL_CODES.length)
  .refine((skills) => new Set(skills).size === skills.length, { message: 'values must not repeat' });

/** A professional's client, described for a search: never stored, the place least of all. */
export const ClientSearchSchema = z
  .object({
    skills: distinctSkills,
    availability: AvailabilitySchema.default([]),
    needsInclusion: z.array(InclusionFeatureSchema).max(7).default([]),
    /** Where the client lives or wants to go, to measure distances from; not stored. */
    location: DutchPointSchema,
    radius: RadiusSchema.default(5_000),
    limit: z.number().int().min(1).max(50).default(20),
  })
  .strict();
export type ClientSearch = z.infer<typeof ClientSearchSchema>;

/** An asset with an ask, as a talent or a client sees it in a list of fitting asks: public data only. */
export const AskMatchSchema = z.object({
  asset: z.object({
    id: z.uuid(),
    name: z.string(),
    kind: AssetKindSchema,
    category: CategorySchema,
    buurt: AreaRefSchema.nullable(),
    gemeente: AreaRefSchema.nullable(),
    inclusionFeatures: z.array(InclusionFeatureSchema),
    schedule: ScheduleSchema,
  }),
  askIndex: z.number().int(),
  ask: ExchangeSchema,
  distanceBand: DistanceBandSchema,
  score: z.number().int(),
  reasons: z.array(MatchReasonSchema),
  /** An open match between this talent and this ask, if there is one. */
  openMatchId: z.uuid().nullable(),
});
export type AskMatch = z.infer<typeof AskMatchSchema>;
export const AskMatchListSchema = z.object({ items: z.array(AskMatchSchema), radius: z.number().int() });

/**
 * A talent that fits an ask, as the ask's side sees it: no name, no place, no contact and no id,
 * only an opaque `candidate` to propose with (valid for this ask and this viewer, for a day),
 * the talent's category and skills, a distance band, whether times overlap (never which) and the reasons.
 */
export const TalentCandidateSchema = z
  .object({
    candidate: z.string(),
    category: CategorySchema,
    skills: z.array(SkillSchema),
    distanceBand: DistanceBandSchema,
    /** Whether the person is free when the asset is open; null when either gave no times. */
    overlap: z.boolean().nullable(),
    score: z.number().int(),
    reasons: z.array(MatchReasonSchema),
    /** The viewer proposed this talent for this ask already (their own proposals only). */
    alreadyProposed: z.boolean(),
  })
  .strict();
export type TalentCandidate = z.infer<typeof TalentCandidateSchema>;
export const TalentCandidateListSchema = z.object({
  ask: ExchangeSchema,
  assetName: z.string(),
  items: z.array(TalentCandidateSchema),
  /** Fewer than MIN_CANDIDATES talents fit: then `items` is empty, so that no one can be singled out. */
  fewerThanMinimum: z.boolean(),
  minimum: z.number().int(),
  radius: z.number().int(),
});

/** Initials or a pseudonym: a client is never named in Kwartier. */
const ClientLabelSchema = z
  .string()
  .trim()
  .min(1)
  .max(20)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} .'-]*$/u, 'use initials or a pseudonym (letters, digits, dots, spaces)')
  .refine((label) => !/\d{4}/.test(label), { message: 'use initials or a pseudonym, not a number', ...whenFieldsValid });

export const MatchClientSchema = z
  .object({
    label: ClientLabelSchema,
    skills: distinctSkills,
    availability: AvailabilitySchema.default([]),
    needsInclusion: z.array(InclusionFeatureSchema).max(7).default([]),
    /** For the distance band only; not stored. */
    location: DutchPointSchema,
    /** The client's consent, as the professional recorded it: the version of the wording. */
    consent: ConsentGivenSchema,
  })
  .strict();

/**
 * A proposal: one ask, and on the other side exactly one of a talent on the map (`talentId`),
 * a talent from an ask's anonymous list (`candidate`), or a professional's client (`client`).
 * `consent` is the proposer's own consent to share contact details, needed when the proposer
 * is one of the sides (the talent's owner, the asset's owner, a client's professional).
 */
export const MatchCreateSchema = z
  .object({
    assetId: z.uuid({ message: 'expected an asset id (a UUID)' }),
    askIndex: z.number().int().min(0).max(19),
    talentId: z.uuid({ message: 'expected a talent id (a UUID)' }).optional(),
    candidate: z.string().min(20).max(400).optional(),
    client: MatchClientSchema.optional(),
    message: z.string().trim().min(1).max(1000).optional(),
    consent: ConsentGivenSchema.optional(),
  })
  .strict()
  .refine((body) => [body.talentId, body.candidate, body.client].filter((value) => value !== undefined).length === 1, {
    message: 'name exactly one of talentId, candidate or client',
    path: ['talentId'],
    ...whenFieldsValid,
  });
export type MatchCreate = z.infer<typeof MatchCreateSchema>;

/** A talent's matching profile, which its owner sets without a new review: codes only, no free text. */
export const TalentProfileSchema = z
  .object({
    skills: z.array(SkillSchema).max(SKILL_CODES.length).refine((skills) => new Set(skills).size === skills.length, { message: 'values must not repeat' }),
    availability: AvailabilitySchema,
    needsInclusion: z.array(InclusionFeatureSchema).max(7).refine((features) => new Set(features).size === features.length, { message: 'values must not repeat' }),
  })
  .partial()
  .strict()
  .refine((profile) => Object.keys(profile).length > 0, { message: 'send at least one of skills, availability, needsInclusion', ...whenFieldsValid });
export type TalentProfile = z.infer<typeof TalentProfileSchema>;
export const TalentProfileResultSchema = z.object({
  skills: z.array(SkillSchema),
  availability: AvailabilitySchema,
  needsInclusion: z.array(InclusionFeatureSchema),
});

export const MatchAcceptSchema = z.object({ consent: ConsentGivenSchema }).strict();

export const MATCH_STATUSES = ['proposed', 'agreed', 'declined', 'withdrawn'] as const;
export const MATCH_ANSWERS = ['pending', 'accepted', 'declined'] as const;
export const MATCH_SIDES = ['talent', 'ask', 'proposer'] as const;
export type MatchSide = (typeof MATCH_SIDES)[number];

/**
 * A match as one of its people sees it. The talent is named only to its own side (and to a
 * proposer who picked it from the map) until both sides agreed; contact details appear only then,
 * and only to the two sides, and go again when either withdraws.
 */
export const MatchSchema = z.object({
  id: z.uuid(),
  status: z.enum(MATCH_STATUSES),
  talentAnswer: z.enum(MATCH_ANSWERS),
  askAnswer: z.enum(MATCH_ANSWERS),
  /** What the viewer is in this match; a side may answer while its answer is pending. */
  myRoles: z.array(z.enum(MATCH_SIDES)),
  canAnswer: z.boolean(),
  talent: z.object({
    id: z.uuid().nullable(),
    name: z.string().nullable(),
    category: CategorySchema.nullable(),
    skills: z.array(SkillSchema),
    /** Initials or a pseudonym when the talent side is a professional's client. */
    clientLabel: z.string().nullable(),
  }),
  asset: z.object({ id: z.uuid(), name: z.string(), kind: AssetKindSchema, category: CategorySchema, ownerless: z.boolean() }),
  askIndex: z.number().int(),
  ask: ExchangeSchema,
  distanceBand: DistanceBandSchema,
  score: z.number().int(),
  reasons: z.array(MatchReasonSchema),
  message: z.string().nullable(),
  proposedAs: z.enum(['talent', 'ask', 'professional']),
  counterpart: z
    .object({
      displayName: z.string(),
      email: z.string(),
      /** The counterpart speaks for a client without an account. */
      onBehalfOfClient: z.string().nullable(),
    })
    .nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Match = z.infer<typeof MatchSchema>;
export const MatchListSchema = z.object({ items: z.array(MatchSchema) });

export const MatchVersionSchema = z.object({
  version: z.number().int().positive(),
  action: z.enum(['proposed', 'accepted', 'declined', 'withdrawn']),
  side: z.enum(MATCH_SIDES),
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  at: z.iso.datetime(),
});
export const MatchVersionListSchema = z.object({ items: z.array(MatchVersionSchema) });
