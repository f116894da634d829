import type { Kysely } from 'kysely';
import {
  type AgendaItem,
  type AgendaItemCreate,
  AgendaItemUpdateSchema,
  type AgendaSuggestionSchema,
  INDICATOR_CODES,
  REACH_TARGETS,
} from '@kwartier/shared';
import type { z } from 'zod';
import type { DB } from '../../db/types.ts';
import { invalid, notFound } from '../../lib/errors.ts';
import { csvDocument } from '../../lib/csv.ts';
import type { Viewer } from '../../plugins/auth.ts';
import { findArea } from '../areas/areas.repository.ts';
import { gaps } from '../buurtscan/buurtscan.service.ts';
import * as repository from './agenda.repository.ts';

type AgendaItemUpdate = z.infer<typeof AgendaItemUpdateSchema>;

function rowToItem(row: repository.AgendaRow): AgendaItem {
  return {
    id: row.id,
    areaCode: row.area_code,
    areaName: row.area_name,
    title: row.title,
    description: row.description,
    characteristics: row.characteristics,
    indicator: row.indicator,
    gap: (row.gap ?? null) as AgendaItem['gap'],
    assetIds: row.asset_ids,
    ownerOrganisation: row.owner_organisation,
    status: row.status as AgendaItem['status'],
    dueDate: row.due_date,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** What an item links to must exist: the indicator in the catalogue, the assets in the database. */
async function checkLinks(db: Kysely<DB>, input: { indicator?: string | null | undefined; assetIds?: string[] | undefined }) {
  const problems = [];
  if (input.indicator && !INDICATOR_CODES.includes(input.indicator)) {
    problems.push({ field: 'body.indicator', message: 'unknown indicator; see GET /api/buurtscan/indicators' });
  }
  if (input.assetIds && input.assetIds.length > 0) {
    const existing = await repository.existingAssetIds(db, input.assetIds);
    input.assetIds.forEach((id, i) => {
      if (!existing.has(id)) problems.push({ field: `body.assetIds.${i}`, message: 'no such asset' });
    });
  }
  if (problems.length > 0) throw invalid(problems);
}

export async function createItem(db: Kysely<DB>, viewer: Viewer, input: AgendaItemCreate): Promise<AgendaItem> {
  if (!(await findArea(db, input.areaCode))) throw invalid([{ field: 'body.areaCode', message: 'no such area' }]);
  await checkLinks(db, input);
  const id = await repository.insertItem(db, input.areaCode, input, viewer.id);
  return rowToItem((await repository.findItem(db, id))!);
}

export async function updateItem(db: Kysely<DB>, viewer: Viewer, id: string, patch: AgendaItemUpdate): Promise<AgendaItem> {
  await checkLinks(db, patch);
  if (!(await repository.updateItem(db, id, patch, viewer.id))) throw notFound('Agenda item');
  return rowToItem((await repository.findItem(db, id))!);
}

export async function listItems(db: Kysely<DB>, filter: { area?: string | undefined; status?: string | undefined }): Promise<AgendaItem[]> {
  return (await repository.listItems(db, filter)).map(rowToItem);
}

/** The agenda as CSV. */
export function itemsToCsv(items: AgendaItem[]): string {
  const header = ['area_code', 'area_name', 'title', 'description', 'characteristics', 'indicator', 'gap', 'owner_organisation', 'status', 'due_date', 'asset_ids'];
  return csvDocument(
    header,
    items.map((item) => [
      item.areaCode,
      item.areaName ?? '',
      item.title,
      item.description,
      item.characteristics.join(' '),
      item.indicator ?? '',
      item.gap ? `${item.gap.kind ?? item.gap.category ?? ''} > ${item.gap.distance} m` : '',
      item.ownerOrganisation,
      item.status,
      item.dueDate ?? '',
      item.assetIds.join(' '),
    ]),
  );
}

/**
 * Suggestions from the measured gaps: for each kind of place that reach measures (a peer-support
 * group, a meeting place, a walk-in, a contact point), the buurten with none within 1 km, most
 * inhabitants first, as ready-made agenda items an analyst can take over.
 */
export async function suggestions(db: Kysely<DB>, gemeente: string) {
  const distance = 1000;
  // A gap already on the agenda (and not dropped) is not suggested again.
  const onAgenda = new Set(
    (await repository.listItems(db, { area: gemeente }))
      .filter((item) => item.status !== 'dropped' && item.indicator !== null)
      .map((item) => `${item.area_code} ${item.indicator}`),
  );
  const result: Array<z.infer<typeof AgendaSuggestionSchema>> = [];
  for (const target of REACH_TARGETS) {
    const select = 'categories' in target.select ? { category: target.select.categories[0] } : { kind: target.select.kinds[0] };
    // A target with several categories (meeting places) is a gap only where none of them is near.
    const found = 'categories' in target.select && target.select.categories.length > 1 ? await meetingPlaceGaps(db, gemeente, target.select.categories, distance) : (await gaps(db, { gemeente, distance, ...select })).buurten;
    for (const buurt of found.filter((candidate) => !onAgenda.has(`${candidate.code} reach_1000.${target.code}`)).slice(0, 10)) {
      result.push({
        areaCode: buurt.code,
        title: `${target.label.nl[0]!.toUpperCase()}${target.label.nl.slice(1)} binnen 1 km van ${buurt.name}`,
        description: `Er is geen ${target.label.nl.replace(/^een /, '')} binnen ${distance} m van ${buurt.name} (${buurt.inhabitants ?? 'onbekend aantal'} inwoners).`,
        characteristics: [target.code === 'contact_point' || target.code === 'walk_in' ? ('in_view' as const) : ('open_attitude' as const)],
        indicator: `reach_1000.${target.code}`,
        gap: { ...select, distance },
        assetIds: [],
        ownerOrganisation: '',
        status: 'idea' as const,
        dueDate: null,
        reason: `nearest ${buurt.nearestMeters === null ? 'none within 20 km' : `${buurt.nearestMeters} m`}`,
      });
    }
  }
  return { items: result };
}

/** Buurten with none of several categories within the distance: the gaps of each, intersected, nearest of all. */
async function meetingPlaceGaps(db: Kysely<DB>, gemeente: string, categories: readonly string[], distance: number) {
  let common: Awaited<ReturnType<typeof gaps>>['buurten'] | null = null;
  for (const category of categories) {
    const found = (await gaps(db, { gemeente, distance, category })).buurten;
    common =
      common === null
        ? found
        : common.flatMap((buurt) => {
            const other = found.find((candidate) => candidate.code === buurt.code);
            if (!other) return [];
            const nearest = [buurt.nearestMeters, other.nearestMeters].filter((m): m is number => m !== null);
            return [{ ...buurt, nearestMeters: nearest.length > 0 ? Math.min(...nearest) : null }];
          });
  }
  return common ?? [];
}
