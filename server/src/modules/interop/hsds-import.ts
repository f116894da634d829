import type { Kysely } from 'kysely';
import {
  AssetImportSchema,
  type CategoryCode,
  CATEGORY_CODES,
  ContactSchema,
  HSDS_TAXONOMIES,
  type HsdsTaxonomyTermDefinition,
  type ImportProblem,
  type ImportReport,
  type InclusionFeature,
  type Meeting,
  type OpeningHours,
  type Schedule,
  WEEKDAYS,
  type Weekday,
  categoryKind,
  isInNetherlands,
  weekdayOfIsoDate,
} from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { invalid } from '../../lib/errors.ts';
import type { Viewer } from '../../plugins/auth.ts';
import { findArea, latestYear, listAreas } from '../areas/areas.repository.ts';
import { taxonomyId, taxonomyTermId } from './hsds.service.ts';
import type { MappedRecord } from './import.mapping.ts';
import { plan, startMappedImport } from './import.service.ts';

/*
 * Import of an Open Referral HSDS 3.0 dataset: the inverse of hsds.service.ts where the data
 * allows it.
 *
 * Accepted: one service_full; a page of services, service_at_locations or organizations
 * (`contents`); an organization_full (its services); a service_at_location_full; Kwartier's own
 * dataset (hsdsDataset: services, organizations, taxonomies); the tabular form (tabular.json:
 * one array of rows per CSV file).
 *
 * One asset per service, found again by its source id, the service id. A service at several
 * locations becomes one asset per location (Kwartier keeps one place per asset), with source id
 * `<service id>@<location id>` and the location's name after the service's.
 *
 * Where a service is placed, in order:
 * 1. a location with a WGS84 point in the Netherlands: that point, exact (a talent: street);
 * 2. a service_area naming one of our areas the way our export writes it ("Stevenshof (Leiden)",
 *    "Leiden"): the area's label point, at buurt precision, with a warning;
 * 3. the request's fallback area: its label point, at buurt precision, with a warning;
 * 4. otherwise an error for that record, so the all-or-nothing commit refuses the dataset.
 *
 * Kwartier does not carry, so an import drops (and a round trip cannot keep): alternate_name,
 * interpretation_services, application_process, fees_description, fees, wait_time,
 * accreditations, eligibility_description, minimum_age, maximum_age, assured_date,
 * assurer_email, licenses, alert, last_modified, program, funding, cost_options,
 * required_documents, metadata, organization (but its website), organization_identifiers,
 * a phone's extension, type, description and languages, every phone but one, every contact
 * but the first one's name, contact title/department/email, a location's url, description,
 * transportation, external identifiers, address_2, region, state_province and country,
 * accessibility beyond wheelchair access and low stimulus, service_area extents, and of schedules
 * valid_from/valid_to, until, count, byweekno, bymonthday, byyearday, timezone,
 * schedule_link, attending_type and description.
 */

export const HSDS_MAPPING_NAME = 'hsds-3.0';

export type HsdsImportOptions = {
  /** Without the `hsds:` prefix. */
  source: string;
  defaultCategory?: CategoryCode | undefined;
  fallbackArea?: string | undefined;
  status?: 'published' | 'pending';
};

// ---------------------------------------------------------------------------------------------
// Loose reading: a foreign dataset is checked field by field, never trusted whole.

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const objects = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  // PostgreSQL cannot store a NUL character, in text or in JSON.
  const trimmed = value.replace(/\u0000/g, '').trim();
  return trimmed === '' ? undefined : trimmed;
}
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const raw = text(value);
  if (raw === undefined || !/^-?\d+(\.\d+)?$/.test(raw)) return undefined;
  return Number(raw);
}

/** A service as found in the dataset, with the organization and locations it comes with. */
type FoundService = {
  service: Json;
  organization: Json | undefined;
  /** service_at_location entries (each with its location), or bare locations wrapped as one. */
  atLocations: Json[];
};

/** A service has a name and something only a service has; a location, which also has a name and schedules, has coordinates. */
const isService = (item: Json) =>
  text(item.name) !== undefined &&
  !('location_type' in item || 'latitude' in item) &&
  ['status', 'service_at_locations', 'organization', 'organization_id'].some((key) => key in item);

/** The services of any accepted shape, or why the body is none of them. */
export function servicesOfDataset(body: unknown): FoundService[] | Error {
  const found: FoundService[] = [];
  const addService = (service: Json, organization?: Json, atLocations?: Json[]) => {
    const nestedOrganization = isObject(service.organization) ? service.organization : undefined;
    found.push({ service, organization: nestedOrganization ?? organization, atLocations: atLocations ?? objects(service.service_at_locations) });
  };
  const addServiceAtLocation = (entry: Json) => {
    if (!isObject(entry.service)) return;
    addService(entry.service, undefined, [entry]);
  };
  const addOrganization = (organization: Json) => {
    const locations = new Map(objects(organization.locations).map((location) => [text(location.id), location]));
    for (const service of objects(organization.services)) {
      // An organization_full may list the locations once, the services pointing to them by id.
      const atLocations = objects(service.service_at_locations).map((entry) =>
        isObject(entry.location) ? entry : { ...entry, location: locations.get(text(entry.location_id)) },
      );
      addService(service, organization, atLocations);
    }
  };
  const addItem = (item: Json) => {
    if (isObject(item.service) && (isObject(item.location) || text(item.location_id))) addServiceAtLocation(item);
    else if (Array.isArray(item.services)) addOrganization(item);
    else if (isService(item)) addService(item);
  };

  if (Array.isArray(body)) body.filter(isObject).forEach(addItem);
  else if (!isObject(body)) return new Error('expected an HSDS object: a service, a service_at_location, an organization, a page of them or a dataset');
  else if (Array.isArray(body['services.csv'])) return servicesOfTables(body);
  else if (Array.isArray(body.contents)) objects(body.contents).forEach(addItem);
  else if (Array.isArray(body.services) && text(body.name) === undefined) objects(body.services).forEach((service) => addService(service));
  else addItem(body);

  if (found.length === 0) {
    return new Error(
      'no HSDS services found: expected a service_full, a service_at_location_full, an organization_full, a page of them (contents) or a dataset with services',
    );
  }
  return found;
}

/** The tabular form (tabular.json): the CSV files as arrays of rows, joined by id. */
function servicesOfTables(tables: Json): FoundService[] {
  const rows = (name: string) => objects(tables[`${name}.csv`]);
  const byKey = (name: string, key: string) => {
    const grouped = new Map<string, Json[]>();
    for (const row of rows(name)) {
      const value = text(row[key]);
      if (value !== undefined) grouped.set(value, [...(grouped.get(value) ?? []), row]);
    }
    return (value: unknown) => grouped.get(text(value) ?? '') ?? [];
  };
  const organizations = new Map(rows('organizations').map((row) => [text(row.id), row]));
  const terms = new Map(rows('taxonomy_terms').map((row) => [text(row.id), row]));
  const [phones, schedules, languages, contacts, serviceAreas, attributes] = [
    byKey('phones', 'service_id'), byKey('schedules', 'service_id'), byKey('languages', 'service_id'),
    byKey('contacts', 'service_id'), byKey('service_areas', 'service_id'), byKey('attributes', 'link_id'),
  ];
  const [addresses, accessibility, locationLanguages] = [byKey('addresses', 'location_id'), byKey('accessibility', 'location_id'), byKey('languages', 'location_id')];
  const locations = new Map(rows('locations').map((row) => [text(row.id), row]));
  const atLocations = byKey('service_at_location', 'service_id');
  return rows('services').map((row) => ({
    service: {
      ...row,
      phones: phones(row.id),
      schedules: schedules(row.id),
      languages: languages(row.id),
      contacts: contacts(row.id),
      service_areas: serviceAreas(row.id),
      attributes: attributes(row.id).map((attribute) => ({ ...attribute, taxonomy_term: terms.get(text(attribute.taxonomy_term_id)) })),
    },
    organization: organizations.get(text(row.organization_id)),
    atLocations: atLocations(row.id).map((entry) => {
      const location = locations.get(text(entry.location_id));
      return {
        ...entry,
        location: location && {
          ...location,
          addresses: addresses(location.id),
          accessibility: accessibility(location.id),
          languages: locationLanguages(location.id),
        },
      };
    }),
  }));
}

// ---------------------------------------------------------------------------------------------
// Our taxonomy, found again by term id, or by code within one of our taxonomies.

type OurTerm = { taxonomyCode: string; code: string; isKind: boolean };
const OUR_TERMS = new Map<string, OurTerm>();
const OUR_TAXONOMIES = new Map<string, string>(); // id, code, or name in either language → code
for (const taxonomy of HSDS_TAXONOMIES) {
  for (const key of [taxonomyId(taxonomy.code), taxonomy.code, taxonomy.name.nl, taxonomy.name.en]) OUR_TAXONOMIES.set(key.toLowerCase(), taxonomy.code);
  for (const term of taxonomy.terms as readonly HsdsTaxonomyTermDefinition[]) {
    OUR_TERMS.set(taxonomyTermId(taxonomy.code, term.code), { taxonomyCode: taxonomy.code, code: term.code, isKind: taxonomy.code === 'kwartier-asset-type' && term.parentCode === undefined });
  }
}

function ourTerm(attribute: Json): OurTerm | undefined {
  const term = isObject(attribute.taxonomy_term) ? attribute.taxonomy_term : {};
  const byId = OUR_TERMS.get(text(attribute.taxonomy_term_id) ?? text(term.id) ?? '');
  if (byId) return byId;
  const detail = isObject(term.taxonomy_detail) ? term.taxonomy_detail : {};
  const taxonomyCode = [term.taxonomy_id, term.taxonomy, detail.id, detail.name]
    .map((value) => OUR_TAXONOMIES.get(text(value)?.toLowerCase() ?? ''))
    .find((code) => code !== undefined);
  const code = text(term.code);
  if (!taxonomyCode || !code) return undefined;
  return OUR_TERMS.get(taxonomyTermId(taxonomyCode, code));
}

// ---------------------------------------------------------------------------------------------
// Schedules: HSDS follows iCalendar's RRULE; Kwartier keeps weekly opening hours and weekly,
// every-other-week and monthly meetings.

const RRULE_DAYS: Record<string, Weekday> = { MO: 'mo', TU: 'tu', WE: 'we', TH: 'th', FR: 'fr', SA: 'sa', SU: 'su' };
/** How our export words a weekly meeting, which HSDS cannot tell from one-day opening hours. */
const WEEKLY_MEETING_WORDING = /, (elke week|every week)$/;
/** Fields that narrow a rule down further than Kwartier can keep. */
const NARROWING_FIELDS = ['valid_from', 'valid_to', 'until', 'count', 'byweekno', 'bymonthday', 'byyearday'];

/** "10:00:00", "9:30", "10:00:00Z" → "10:00". */
function clockTime(value: unknown): string | undefined {
  const match = /^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/.exec(text(value) ?? '');
  if (!match) return undefined;
  const time = `${match[1]!.padStart(2, '0')}:${match[2]}`;
  return /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/.test(time) ? time : undefined;
}

/** The date of `day` in the week (starting on `weekStart`) of an ISO date. */
function dayInWeekOf(isoDate: string, day: Weekday, weekStart: Weekday): string {
  const index = (d: Weekday) => WEEKDAYS.indexOf(d);
  const offsetInWeek = (index(weekdayOfIsoDate(isoDate)) - index(weekStart) + 7) % 7;
  const target = (index(day) - index(weekStart) + 7) % 7;
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - offsetInWeek + target);
  return date.toISOString().slice(0, 10);
}

function readSchedules(entries: Json[], path: string, problem: (field: string, message: string) => void): Schedule {
  const schedule: Schedule = { alwaysOpen: false, openingHours: [], meetings: [] };
  const notes: string[] = [];
  const note = (value: string | undefined) => {
    if (value !== undefined && !notes.includes(value)) notes.push(value);
  };
  entries.forEach((entry, index) => {
    const at = `${path}[${index}]`;
    const skip = (field: string, why: string) => {
      problem(`${at}.${field}`, `${why}; this schedule is left out`);
      note(text(entry.description));
    };
    note(text(entry.notes));
    const freq = text(entry.freq)?.toUpperCase();
    const byday = text(entry.byday)?.toUpperCase();
    const hasTimes = entry.opens_at !== undefined || entry.closes_at !== undefined;
    if (freq === undefined && byday === undefined && !hasTimes) {
      // Only words ("by appointment"): kept as the schedule's note.
      note(text(entry.description));
      return;
    }
    const opens = clockTime(entry.opens_at);
    let closes = clockTime(entry.closes_at);
    if (opens === undefined) return skip('opens_at', `"${String(entry.opens_at ?? '')}" is not a time of day`);
    if (closes === undefined) return skip('closes_at', `"${String(entry.closes_at ?? '')}" is not a time of day`);
    if (closes === '00:00') closes = '24:00';
    if (opens >= closes) return skip('closes_at', `closes at ${closes}, not after it opens at ${opens} (hours past midnight are not kept)`);

    const interval = numberOf(entry.interval) ?? 1;
    const narrowing = NARROWING_FIELDS.filter((field) => text(entry[field]) !== undefined);
    if (narrowing.length > 0) problem(`${at}.${narrowing[0]}`, `${narrowing.join(', ')} cannot be kept: Kwartier's schedules repeat without end; imported as repeating`);
    const timezone = numberOf(entry.timezone);
    if (timezone !== undefined && timezone !== 1 && timezone !== 2) problem(`${at}.timezone`, `UTC${timezone >= 0 ? '+' : ''}${timezone} is not kept: times are read as Dutch local times`);

    const parts = (byday ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');
    if (freq === 'DAILY' && interval === 1) {
      schedule.openingHours.push({ days: [...WEEKDAYS], opens, closes });
      return;
    }
    if (freq === 'WEEKLY' || (freq === undefined && parts.length > 0)) {
      const days = parts.map((part) => RRULE_DAYS[part]);
      if (days.length === 0) return skip('byday', 'a weekly schedule without days (byday)');
      const unknown = parts.find((_part, i) => days[i] === undefined);
      if (unknown !== undefined) return skip('byday', `"${unknown}" is not a day such as MO or TU`);
      const weekdays = [...new Set(days as Weekday[])];
      if (interval === 1) {
        if (weekdays.length === 7 && opens === '00:00' && (closes === '24:00' || closes === '23:59')) schedule.alwaysOpen = true;
        else if (weekdays.length === 1 && WEEKLY_MEETING_WORDING.test(text(entry.description) ?? '')) {
          schedule.meetings.push({ weekday: weekdays[0]!, starts: opens, ends: closes, recurrence: 'weekly' });
        } else schedule.openingHours.push({ days: weekdays, opens, closes });
        return;
      }
      if (interval !== 2) return skip('interval', `every ${interval} weeks cannot be kept (weekly and every other week can)`);
      const start = /^\d{4}-\d{2}-\d{2}/.exec(text(entry.dtstart) ?? '')?.[0];
      if (start === undefined || Number.isNaN(Date.parse(start))) return skip('dtstart', 'every other week needs a start date (dtstart) to know which weeks');
      const weekStart = RRULE_DAYS[text(entry.wkst)?.toUpperCase() ?? 'MO'] ?? 'mo';
      for (const weekday of weekdays) {
        schedule.meetings.push({ weekday, starts: opens, ends: closes, recurrence: 'biweekly', anchorDate: dayInWeekOf(start, weekday, weekStart) });
      }
      return;
    }
    if (freq === 'MONTHLY') {
      if (interval !== 1) return skip('interval', `every ${interval} months cannot be kept`);
      const byWeekday = new Map<Weekday, Array<1 | 2 | 3 | 4 | 5 | -1>>();
      for (const part of parts) {
        const match = /^([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)$/.exec(part);
        const week = match ? Number(match[1]) : Number.NaN;
        if (!match || !(week === -1 || (week >= 1 && week <= 5))) return skip('byday', `"${part}" is not a week of the month Kwartier keeps (such as 2TU or -1FR)`);
        const weekday = RRULE_DAYS[match[2]!]!;
        byWeekday.set(weekday, [...(byWeekday.get(weekday) ?? []), week as 1 | 2 | 3 | 4 | 5 | -1]);
      }
      if (byWeekday.size === 0) return skip('byday', 'a monthly schedule without weeks and days (byday such as 2TU)');
      for (const [weekday, weeks] of byWeekday) {
        schedule.meetings.push({ weekday, starts: opens, ends: closes, recurrence: 'monthly', weeksOfMonth: [...new Set(weeks)] });
      }
      return;
    }
    return skip('freq', `"${freq ?? ''}" repetition cannot be kept (weekly and monthly can)`);
  });
  if (schedule.openingHours.length > 21) {
    problem(path, `${schedule.openingHours.length} opening hours; the first 21 are kept`);
    schedule.openingHours = schedule.openingHours.slice(0, 21) as OpeningHours[];
  }
  if (schedule.meetings.length > 12) {
    problem(path, `${schedule.meetings.length} meetings; the first 12 are kept`);
    schedule.meetings = schedule.meetings.slice(0, 12) as Meeting[];
  }
  const joined = notes.join(' / ');
  if (joined !== '') schedule.note = joined.length > 500 ? `${joined.slice(0, 499)}…` : joined;
  if (joined.length > 500) problem(`${path}.notes`, 'the notes are longer than 500 characters; cut short');
  return schedule;
}

// ---------------------------------------------------------------------------------------------
// Languages, phones, addresses, accessibility

let languageNames: Map<string, string> | undefined;
/** ISO 639-1 codes by English and Dutch name ("Urdu" → ur). */
function languageByName(name: string): string | undefined {
  if (!languageNames) {
    languageNames = new Map();
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    for (const lang of ['en', 'nl']) {
      const names = new Intl.DisplayNames([lang], { type: 'language', fallback: 'none' });
      for (const a of letters) for (const b of letters) {
        const name = names.of(a + b);
        if (name) languageNames.set(name.toLowerCase(), a + b);
      }
    }
  }
  return languageNames.get(name.toLowerCase());
}

function languageCode(entry: Json): string | undefined {
  const code = text(entry.code)?.toLowerCase();
  if (code && /^[a-z]{2,3}$/.test(code)) {
    try {
      const language = new Intl.Locale(code).language;
      if (/^[a-z]{2}$/.test(language)) return language;
    } catch {
      // not a language code: try the name
    }
  }
  const name = text(entry.name);
  return name ? languageByName(name) : undefined;
}

/** A phone number as our contact keeps it: quotes around it (a CSV habit) and dots taken out. */
function cleanPhone(raw: string): string | undefined {
  const number = raw.replace(/^["'\s]+|["'\s]+$/g, '').replace(/\./g, ' ').replace(/\s+/g, ' ').trim();
  return ContactSchema.shape.phone.safeParse(number).success && number !== '' ? number : undefined;
}

/** "Breestraat 12a" → street and house number; "1-30 Main Street" stays a street. */
function splitAddressLine(line: string): { street: string; houseNumber?: string } {
  const match = /^(\D.*?)\s+(\d+(?:[\s-]?[A-Za-z0-9]{1,4})?)$/.exec(line);
  return match ? { street: match[1]!.trim(), houseNumber: match[2]!.trim() } : { street: line };
}

const ACCESSIBILITY_WORDS: Array<[InclusionFeature, RegExp]> = [
  ['wheelchair_access', /wheelchair|rolstoel/i],
  ['low_stimulus', /low[- ]stimulus|prikkelarm|sensory[- ]friendly/i],
];

// ---------------------------------------------------------------------------------------------
// Placing

type Placement = { coordinates: [number, number]; precision: 'exact' | 'buurt'; areaText?: string };
type Area = { code: string; name: string; lon: number; lat: number };

/** Our areas by the name our export gives a service area ("Stevenshof (Leiden)" or "Leiden"). */
async function areaByServiceAreaName(db: Kysely<DB>, name: string, year: number | null): Promise<Area | undefined> {
  if (year === null || name.length > 200) return undefined;
  const match = /^(.*?)(?: \(([^()]+)\))?$/.exec(name.trim());
  const [areaName, gemeenteName] = [match?.[1]?.trim() ?? '', match?.[2]?.trim()];
  if (areaName === '') return undefined;
  const same = (a: string, b: string) => a.localeCompare(b, 'nl', { sensitivity: 'base' }) === 0;
  let candidates = (await listAreas(db, { year, nameContains: areaName })).filter((area) => same(area.name, areaName));
  if (gemeenteName !== undefined) {
    const gemeenten = (await listAreas(db, { year, level: 'gemeente', nameContains: gemeenteName })).filter((area) => same(area.name, gemeenteName));
    candidates = candidates.filter((area) => area.level !== 'gemeente' && gemeenten.some((gemeente) => gemeente.code === area.gemeente_code));
  }
  // Our export names the buurt before the wijk before the gemeente.
  const order = { buurt: 0, wijk: 1, gemeente: 2 } as const;
  candidates.sort((a, b) => order[a.level] - order[b.level]);
  const best = candidates[0];
  if (!best || candidates.filter((area) => area.level === best.level).length > 1) return undefined;
  const found = await findArea(db, best.code, year);
  return found ? { code: found.code, name: found.name, lon: found.label_lon, lat: found.label_lat } : undefined;
}

/** The fallback area the request names, or a 400 naming the field. */
export async function resolveFallbackArea(db: Kysely<DB>, code: string | undefined): Promise<Area | undefined> {
  if (code === undefined) return undefined;
  const area = await findArea(db, code);
  if (!area) throw invalid([{ field: 'query.fallbackArea', message: `no area ${code}: expected the CBS code of a gemeente, wijk or buurt Kwartier knows` }]);
  return { code: area.code, name: area.name, lon: area.label_lon, lat: area.label_lat };
}

// ---------------------------------------------------------------------------------------------
// A service as an asset

type Context = {
  db: Kysely<DB>;
  source: string;
  status: 'published' | 'pending';
  defaultCategory: CategoryCode | undefined;
  fallbackArea: Area | undefined;
  areaYear: number | null;
};

async function mapService(context: Context, found: FoundService, atLocation: Json | undefined, atIndex: number, row: number): Promise<MappedRecord> {
  const { service } = found;
  const problems: ImportProblem[] = [];
  const problem = (field: string, message: string, severity: ImportProblem['severity'] = 'warning') => problems.push({ row, field, message, severity });
  const location = atLocation && isObject(atLocation.location) ? atLocation.location : undefined;
  const serviceId = text(service.id);
  const several = found.atLocations.length > 1;
  const sourceId = serviceId === undefined ? null : several ? `${serviceId}@${text(location?.id) ?? atIndex}` : serviceId;
  if (serviceId === undefined) problem('id', 'the service has no id: a record needs one to be found again on a re-import', 'error');

  let serviceName = text(service.name);
  if (serviceName !== undefined && serviceName.length > 200) {
    problem('name', 'longer than 200 characters; cut short');
    serviceName = `${serviceName.slice(0, 199)}…`;
  }
  const locationName = text(location?.name);
  const name = serviceName && several && locationName && locationName !== serviceName ? `${serviceName} (${locationName})`.slice(0, 200) : (serviceName ?? null);
  if (name === null) problem('name', 'the service has no name', 'error');

  // Kind, category and the tags: our taxonomy terms among the attributes.
  const tags = { kind: [] as string[], category: [] as string[], socialCapital: [] as string[], inclusionFeatures: [] as string[], targetGroups: [] as string[], characteristics: [] as string[] };
  const foreignTerms: string[] = [];
  objects(service.attributes).forEach((attribute, index) => {
    const term = ourTerm(attribute);
    if (!term) {
      const described = isObject(attribute.taxonomy_term) ? text(attribute.taxonomy_term.name) ?? text(attribute.taxonomy_term.code) : undefined;
      foreignTerms.push(`attributes[${index}]${described ? ` "${described}"` : ''}`);
      return;
    }
    const list = {
      'kwartier-asset-type': term.isKind ? tags.kind : tags.category,
      'kwartier-social-capital': tags.socialCapital,
      'kwartier-inclusion': tags.inclusionFeatures,
      'kwartier-target-group': tags.targetGroups,
      'kwartier-characteristic': tags.characteristics,
    }[term.taxonomyCode];
    if (list && !list.includes(term.code)) list.push(term.code);
  });
  if (foreignTerms.length > 0) problem('attributes', `${foreignTerms.join(', ')}: not one of Kwartier's taxonomy terms; left out`);
  let category = tags.category[0] as CategoryCode | undefined;
  if (tags.category.length > 1) problem('attributes', `several categories (${tags.category.join(', ')}); ${category} is kept`);
  if (category === undefined && context.defaultCategory !== undefined) {
    category = context.defaultCategory;
    problem('attributes', `no Kwartier category among the attributes; the default category ${category} is used`);
  }
  if (category === undefined) problem('attributes', 'no Kwartier category among the attributes, and the import names no defaultCategory', 'error');
  const kind = category === undefined ? undefined : categoryKind(category);
  if (kind !== undefined && tags.kind[0] !== undefined && tags.kind[0] !== kind) {
    problem('attributes', `the kind ${tags.kind[0]} does not fit the category ${category}; the kind follows the category (${kind})`);
  }
  if (tags.socialCapital.length > 3) {
    problem('attributes', `more than 3 kinds of social capital; ${tags.socialCapital.slice(0, 3).join(', ')} are kept`);
    tags.socialCapital = tags.socialCapital.slice(0, 3);
  }

  // Accessibility of the location: the features Kwartier knows.
  const locationPath = `service_at_locations[${atIndex}].location`;
  objects(location?.accessibility).forEach((entry, index) => {
    const description = `${text(entry.description) ?? ''} ${text(entry.details) ?? ''}`;
    const features = ACCESSIBILITY_WORDS.filter(([, words]) => words.test(description)).map(([feature]) => feature);
    if (features.length === 0) problem(`${locationPath}.accessibility[${index}]`, `"${text(entry.description) ?? ''}" is not one of Kwartier's inclusion features; left out`);
    for (const feature of features) if (!tags.inclusionFeatures.includes(feature)) tags.inclusionFeatures.push(feature);
  });

  // Contact: the service's own channels first.
  const contact: Record<string, string> = {};
  const website = text(service.url) ?? text(found.organization?.website);
  if (website !== undefined) {
    const withProtocol = /^https?:\/\//i.test(website) ? website : `http://${website}`;
    if (ContactSchema.shape.website.safeParse(withProtocol).success) contact.website = withProtocol;
    else problem(service.url !== undefined ? 'url' : 'organization.website', `"${website}" is not a web address; left out`);
  }
  const email = text(service.email);
  if (email !== undefined) {
    if (ContactSchema.shape.email.safeParse(email).success) contact.email = email;
    else problem('email', `"${email}" is not an e-mail address; left out`);
  }
  const phoneSources: Array<[string, Json[]]> = [
    ['phones', objects(service.phones)],
    [`service_at_locations[${atIndex}].phones`, objects(atLocation?.phones)],
    ...objects(service.contacts).map((person, index): [string, Json[]] => [`contacts[${index}].phones`, objects(person.phones)]),
  ];
  for (const [path, phones] of phoneSources) {
    for (const [index, phone] of phones.entries()) {
      const raw = text(phone.number);
      if (raw === undefined) continue;
      const number = cleanPhone(raw);
      if (number === undefined) {
        problem(`${path}[${index}].number`, `"${raw}" is not a phone number Kwartier keeps (such as +31 71 512 3456); left out`);
        continue;
      }
      contact.phone ??= number;
    }
    if (contact.phone !== undefined) break;
  }
  const person = text(objects(service.contacts)[0]?.name);
  if (person !== undefined) contact.contactPerson = person.slice(0, 120);

  // Languages: of the service, and of the place it is at.
  const languages: string[] = [];
  const languageSources: Array<[string, Json[]]> = [['languages', objects(service.languages)], [`${locationPath}.languages`, objects(location?.languages)]];
  for (const [path, entries] of languageSources) {
    entries.forEach((entry, index) => {
      const code = languageCode(entry);
      if (code === undefined) problem(`${path}[${index}]`, `"${text(entry.code) ?? text(entry.name) ?? ''}" is not a language Kwartier can name (an ISO 639 code such as nl or ur); left out`);
      else if (!languages.includes(code)) languages.push(code);
    });
  }
  if (languages.length > 20) {
    problem('languages', `${languages.length} languages; the first 20 are kept`);
    languages.length = 20;
  }

  // Schedules: the most specific ones there are.
  const [schedulePath, scheduleEntries] = (
    [
      [`service_at_locations[${atIndex}].schedules`, objects(atLocation?.schedules)],
      ['schedules', objects(service.schedules)],
      [`${locationPath}.schedules`, objects(location?.schedules)],
    ] as Array<[string, Json[]]>
  ).find(([, entries]) => entries.length > 0) ?? ['schedules', []];
  const schedule = readSchedules(scheduleEntries, schedulePath, (field, message) => problem(field, message));

  const description = text(service.description) ?? '';
  if (description.length > 5000) problem('description', 'longer than 5000 characters; cut short');

  // The place.
  const placement = await place(context, found, location, locationPath, problem);
  const address: Record<string, string> = {};
  if (placement?.precision === 'exact' && location) {
    const addresses = objects(location.addresses);
    const chosen = addresses.find((entry) => text(entry.address_type) === 'physical') ?? addresses[0];
    const line = text(chosen?.address_1);
    if (line) Object.assign(address, splitAddressLine(line.slice(0, 200)));
    const postcode = text(chosen?.postal_code);
    if (postcode && postcode.length <= 10) address.postcode = postcode;
    const city = text(chosen?.city);
    if (city) address.city = city.slice(0, 100);
  }

  if (problems.some((entry) => entry.severity === 'error') || !placement) return { row, sourceId, name, asset: null, problems };
  const parsed = AssetImportSchema.safeParse({
    kind,
    category,
    name,
    description: description.slice(0, 5000),
    socialCapital: tags.socialCapital,
    inclusionFeatures: tags.inclusionFeatures,
    targetGroups: tags.targetGroups,
    characteristics: tags.characteristics,
    languages,
    schedule,
    contact,
    location: { type: 'Point', coordinates: placement.coordinates },
    precision: placement.precision === 'exact' && kind === 'talent' ? 'street' : placement.precision,
    address,
    source: context.source,
    sourceId: sourceId ?? undefined,
    status: context.status,
    isSample: false,
  });
  if (parsed.success) return { row, sourceId, name, asset: parsed.data, problems };
  for (const issue of parsed.error.issues) problem(issue.path.join('.') || 'record', issue.message, 'error');
  return { row, sourceId, name, asset: null, problems };
}

async function place(
  context: Context,
  found: FoundService,
  location: Json | undefined,
  path: string,
  problem: (field: string, message: string, severity?: ImportProblem['severity']) => void,
): Promise<Placement | undefined> {
  let why: { field: string; message: string };
  if (!location) why = { field: 'service_at_locations', message: 'the service has no location' };
  else {
    const latitude = numberOf(location.latitude);
    const longitude = numberOf(location.longitude);
    if (latitude === undefined) why = { field: `${path}.latitude`, message: `no latitude${location.latitude === undefined ? '' : ` in "${String(location.latitude)}"`}` };
    else if (longitude === undefined) why = { field: `${path}.longitude`, message: `no longitude${location.longitude === undefined ? '' : ` in "${String(location.longitude)}"`}` };
    else if (Math.abs(latitude) > 90) why = { field: `${path}.latitude`, message: `latitude ${latitude} is not a latitude` };
    else if (Math.abs(longitude) > 180) why = { field: `${path}.longitude`, message: `longitude ${longitude} is not a longitude` };
    else if (isInNetherlands([longitude, latitude])) return { coordinates: [longitude, latitude], precision: 'exact' };
    else if (isInNetherlands([latitude, longitude])) why = { field: `${path}.latitude`, message: `latitude ${latitude}, longitude ${longitude} lie outside the Netherlands (swapped?)` };
    else why = { field: `${path}.latitude`, message: `latitude ${latitude}, longitude ${longitude} lie outside the Netherlands` };
  }
  for (const [index, area] of objects(found.service.service_areas).entries()) {
    const name = text(area.name);
    const ours = name ? await areaByServiceAreaName(context.db, name, context.areaYear) : undefined;
    if (ours) {
      problem(why.field, `${why.message}; placed at the centre of ${ours.name} (${ours.code}), its service area (service_areas[${index}]), at buurt precision`);
      return { coordinates: [ours.lon, ours.lat], precision: 'buurt' };
    }
  }
  if (context.fallbackArea) {
    const area = context.fallbackArea;
    problem(why.field, `${why.message}; placed at the centre of ${area.name} (${area.code}) at buurt precision`);
    return { coordinates: [area.lon, area.lat], precision: 'buurt' };
  }
  problem(why.field, `${why.message}: an asset needs a place in the Netherlands; name a fallbackArea to place it at the centre of an area`, 'error');
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The import

export const hsdsSourceName = (source: string) => `hsds:${source.replace(/^hsds:/, '')}`;

/** Every service of a dataset as mapped records (one per service, or per location of it). */
export async function mapHsdsDataset(db: Kysely<DB>, body: unknown, options: HsdsImportOptions): Promise<{ records: MappedRecord[]; problems: ImportProblem[] }> {
  if (options.defaultCategory !== undefined && !CATEGORY_CODES.includes(options.defaultCategory)) {
    throw invalid([{ field: 'query.defaultCategory', message: `"${options.defaultCategory}" is not one of Kwartier's categories` }]);
  }
  const fallbackArea = await resolveFallbackArea(db, options.fallbackArea);
  const found = servicesOfDataset(body);
  if (found instanceof Error) throw invalid([{ field: 'body', message: found.message }]);
  const context: Context = {
    db,
    source: hsdsSourceName(options.source),
    status: options.status ?? 'published',
    defaultCategory: options.defaultCategory,
    fallbackArea,
    areaYear: await latestYear(db),
  };
  const records: MappedRecord[] = [];
  for (const entry of found) {
    const atLocations = entry.atLocations.length > 0 ? entry.atLocations : [undefined];
    for (const [index, atLocation] of atLocations.entries()) records.push(await mapService(context, entry, atLocation, index, records.length + 1));
  }
  return { records, problems: [] };
}

const mappingOf = (options: HsdsImportOptions) => ({ name: HSDS_MAPPING_NAME, source: hsdsSourceName(options.source) });

/** What an import would do, row by row; nothing written. */
export async function hsdsDryRun(db: Kysely<DB>, body: unknown, options: HsdsImportOptions): Promise<ImportReport> {
  return (await plan(db, mappingOf(options), await mapHsdsDataset(db, body, options))).report;
}

/** The import, all or nothing in one transaction; a dataset with errors is refused (400). */
/** Commits a dataset all or nothing, recorded as a run in the history of imports like a file's. */
export async function hsdsImport(db: Kysely<DB>, actor: Viewer | null, body: unknown, options: HsdsImportOptions): Promise<ImportReport> {
  const mapped = await mapHsdsDataset(db, body, options);
  const { done } = await startMappedImport(db, actor, { mapping: mappingOf(options), mapped, archiveDisappeared: false, fileName: 'HSDS' }, { wait: true });
  return done;
}
