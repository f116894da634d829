import type { Kysely } from 'kysely';
import {
  CONTEXT_FIELD_CODES,
  type ContextUpdate,
  DEFAULT_WEIGHTS,
  DRAAGKRACHT_PARTS,
  DRAAGLAST_PARTS,
  type ScorePart,
  type ScoreWeights,
  ScoreWeightsSchema,
  type Scores,
  type CountSum,
  PLACED_FIELDS,
  type Placements,
  computeScores,
  suppressCounts,
} from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { invalid, notFound } from '../../lib/errors.ts';
import type { Viewer } from '../../plugins/auth.ts';
import { findArea } from '../areas/areas.repository.ts';
import { buurtscan, yearOf } from './buurtscan.service.ts';
import * as repository from './spreiding.repository.ts';

const WEIGHTS_KEY = 'spreiding.weights';

/** The weights in force: the analysts' choice over the defaults. */
export async function weights(db: Kysely<DB>): Promise<ScoreWeights> {
  const stored = ScoreWeightsSchema.safeParse(await repository.setting(db, WEIGHTS_KEY));
  const chosen = stored.success ? stored.data : { draagkracht: {}, draaglast: {} };
  return {
    draagkracht: { ...DEFAULT_WEIGHTS.draagkracht, ...chosen.draagkracht },
    draaglast: { ...DEFAULT_WEIGHTS.draaglast, ...chosen.draaglast },
  };
}

export async function setWeights(db: Kysely<DB>, analyst: Viewer, input: ScoreWeights): Promise<ScoreWeights> {
  const merged = {
    draagkracht: { ...(await weights(db)).draagkracht, ...input.draagkracht },
    draaglast: { ...(await weights(db)).draaglast, ...input.draaglast },
  };
  await db.transaction().execute((trx) => repository.saveSetting(trx, WEIGHTS_KEY, merged, analyst.id));
  return merged;
}

export async function areaContext(db: Kysely<DB>, code: string) {
  if (!(await findArea(db, code))) throw notFound('Area');
  const values = Object.fromEntries(CONTEXT_FIELD_CODES.map((field) => [field, null as number | null]));
  for (const row of await repository.contextOf(db, [code])) values[row.field] = row.value;
  const history = await repository.contextHistory(db, code);
  return {
    code,
    values,
    history: history.map((row) => ({
      field: row.field,
      from: row.from_value,
      to: row.to_value,
      note: row.note,
      actorId: row.actor_id,
      actorName: row.actor_name,
      at: row.at.toISOString(),
    })),
  };
}

/** Enters or corrects figures for an area; each change is kept with who, when and why. */
export async function updateAreaContext(db: Kysely<DB>, analyst: Viewer, code: string, update: ContextUpdate) {
  if (!(await findArea(db, code))) throw notFound('Area');
  await db.transaction().execute(async (trx) => {
    for (const [field, to] of Object.entries(update.values)) {
      const from = (await repository.contextValueForUpdate(trx, code, field)) ?? null;
      if (from === to) continue;
      await repository.setContextValue(trx, { areaCode: code, field, from, to: to ?? null, note: update.note ?? null, actorId: analyst.id });
    }
  });
  return areaContext(db, code);
}

/** A part's raw value for one buurt, from the indicators, the entered figures or CBS. */
function rawValue(
  part: ScorePart,
  buurt: { inhabitants: number | null; values: Record<string, number | null> },
  context: Record<string, number | null>,
  keyFigures: Record<string, number | null>,
): number | null {
  const perThousand = (value: number | null, per1000: boolean) => {
    if (value === null || !per1000) return value;
    return buurt.inhabitants ? (value * 1000) / buurt.inhabitants : null;
  };
  const source = part.source;
  if (source.from === 'indicator') return buurt.values[source.code] ?? null;
  if (source.from === 'context') {
    const entered = source.fields.map((field) => context[field]).filter((value): value is number => value !== null && value !== undefined);
    return perThousand(entered.length > 0 ? entered.reduce((sum, value) => sum + value, 0) : null, source.per1000);
  }
  return perThousand(keyFigures[source.field] ?? null, source.per1000);
}

/**
 * Draagkracht and draaglast of every buurt of a gemeente, each with its parts (raw value,
 * scaled value, weight and contribution), and their balance.
 */
export async function scores(db: Kysely<DB>, query: { gemeente: string; year?: number | undefined }, now: Date): Promise<Scores> {
  const indicatorCodes = DRAAGKRACHT_PARTS.flatMap((part) => (part.source.from === 'indicator' ? [part.source.code] : []));
  const scan = await buurtscan(db, { level: 'buurt', gemeente: query.gemeente, year: query.year, indicators: indicatorCodes }, now);
  if (scan.areas.length === 0) throw notFound('Buurten of this gemeente');
  const codes = scan.areas.map((area) => area.code);
  const context = new Map<string, Record<string, number | null>>();
  for (const row of await repository.contextOf(db, codes)) context.set(row.area_code, { ...context.get(row.area_code), [row.field]: row.value });
  const keyFigures = new Map((await repository.buurtKeyFigures(db, query.gemeente, scan.year!)).map((row) => [row.code, row.key_figures]));
  const inForce = await weights(db);

  const raws = (parts: readonly ScorePart[]) =>
    scan.areas.map((buurt) =>
      Object.fromEntries(parts.map((part) => [part.code, rawValue(part, buurt, context.get(buurt.code) ?? {}, keyFigures.get(buurt.code) ?? {})])),
    );
  const draagkracht = computeScores(DRAAGKRACHT_PARTS, inForce.draagkracht, raws(DRAAGKRACHT_PARTS));
  const draaglast = computeScores(DRAAGLAST_PARTS, inForce.draaglast, raws(DRAAGLAST_PARTS));
  return {
    gemeente: query.gemeente,
    year: scan.year!,
    weights: inForce,
    buurten: scan.areas.map((buurt, i) => {
      const carry = draagkracht[i]!;
      const weigh = draaglast[i]!;
      return {
        code: buurt.code,
        name: buurt.name,
        inhabitants: buurt.inhabitants,
        draagkracht: carry,
        draaglast: weigh,
        balance: carry.score === null || weigh.score === null ? null : carry.score - weigh.score,
      };
    }),
  };
}

/**
 * People placed from sheltered housing and shelter, per buurt, wijk and the gemeente: exact for
 * analysts, and for everyone else with small counts suppressed over all three levels together
 * (see shared/src/small-counts.ts), so that no published figure, nor any difference of them,
 * gives a count below 5 away.
 */
export async function placements(db: Kysely<DB>, query: { gemeente: string; year?: number | undefined }, exact: boolean): Promise<Placements> {
  // The figures are kept per area code, not per year. Published under two years' area
  // divisions, the same figures would add up in two ways, and one sum minus the other could
  // give a hidden count away: the public sees the newest division only.
  if (!exact && query.year !== undefined && query.year !== (await yearOf(db, 'buurt', undefined))) {
    throw invalid([{ field: 'query.year', message: 'the public figures are published for the newest year of areas only' }]);
  }
  const year = await yearOf(db, 'buurt', query.year);
  const areas = await repository.gemeenteAreas(db, query.gemeente, year);
  const gemeente = areas.find((area) => area.code === query.gemeente);
  if (!gemeente) throw notFound('Gemeente');
  const wijken = areas.filter((area) => area.level === 'wijk');
  const buurten = areas.filter((area) => area.level === 'buurt');

  const counts = new Map<string, number>();
  for (const row of await repository.contextOf(db, buurten.map((buurt) => buurt.code))) {
    if (row.value === null || !(PLACED_FIELDS as readonly string[]).includes(row.field)) continue;
    counts.set(row.area_code, (counts.get(row.area_code) ?? 0) + row.value);
  }
  // Totals over the buurten with figures: each total is exactly the sum of its known parts.
  const sums: CountSum[] = [];
  const sumUp = (total: string, parts: string[]) => {
    const known = parts.filter((part) => counts.has(part));
    if (known.length === 0) return;
    counts.set(total, known.reduce((sum, part) => sum + counts.get(part)!, 0));
    sums.push({ total, parts: known });
  };
  for (const wijk of wijken) sumUp(wijk.code, buurten.filter((buurt) => buurt.parent_code === wijk.code).map((buurt) => buurt.code));
  const orphans = buurten.filter((buurt) => !wijken.some((wijk) => wijk.code === buurt.parent_code)).map((buurt) => buurt.code);
  sumUp(gemeente.code, [...wijken.map((wijk) => wijk.code), ...orphans]);

  const published = exact ? counts : suppressCounts(counts, sums);
  const entry = (area: { code: string; name: string }) => ({ code: area.code, name: area.name, count: published.get(area.code) ?? null });
  return {
    gemeente: entry(gemeente),
    year,
    exact,
    wijken: wijken.map(entry),
    buurten: buurten.map((buurt) => ({ ...entry(buurt), wijkCode: buurt.parent_code })),
  };
}
