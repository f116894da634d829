import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  ACCESSIBILITY_FEATURES,
  ASSET_KINDS,
  type Asset,
  type AssetKind,
  HSDS_TAXONOMIES,
  HSDS_VERSION,
  type HsdsAccessibility,
  type HsdsAddress,
  type HsdsAttribute,
  type HsdsContact,
  type HsdsLanguage,
  type HsdsLanguageEntry,
  type HsdsLocation,
  type HsdsOrganization,
  type HsdsOrganizationList,
  type HsdsOrganizationListQuery,
  type HsdsPage,
  type HsdsPhone,
  type HsdsSchedule,
  type HsdsService,
  type HsdsServiceArea,
  type HsdsServiceAtLocation,
  type HsdsServiceAtLocationList,
  type HsdsServiceList,
  type HsdsServiceListQuery,
  type HsdsTaxonomy,
  type HsdsTaxonomyListQuery,
  type HsdsTaxonomyTerm,
  type HsdsTaxonomyTermDefinition,
  type HsdsTaxonomyTermListQuery,
  INCLUSION_FEATURES,
  type Label,
  type Meeting,
  type OpeningHours,
  TARGET_GROUPS,
  type Weekday,
  isExactInPublic,
} from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { notFound } from '../../lib/errors.ts';
import * as assets from '../assets/assets.repository.ts';
import type { AssetFilterInput, AssetRecord } from '../assets/assets.repository.ts';
import { assetRecordToAsset } from '../assets/assets.service.ts';
import { searchLocatieserver } from '../places/locatieserver.ts';
import * as repository from './hsds.repository.ts';

/*
 * How Kwartier maps onto HSDS 3.0.1.
 *
 * - Every published asset is one HSDS service. Its id is the asset's own id, so that
 *   /hsds/services/{id} and /api/assets/{id} name the same thing.
 * - Every asset but a talent is also its own organization. Kwartier keeps no "who runs what"
 *   (a school's board, a welfare organisation's many walk-ins), so there is no truthful larger
 *   grouping; one organization per asset is what HSDS prescribes when nothing better is known.
 *   A talent is a resident, not an organisation: all talents belong to one organization,
 *   "Bewoners via Kwartier", because residents are reached through the platform.
 * - Only an asset whose exact place is public (`isExactInPublic`: not a talent, precision
 *   `exact`) has an HSDS location, a service_at_location, an address and accessibility. Any
 *   other asset gets a service_area naming its buurt instead: HSDS readers take a location's
 *   coordinates for the place itself, and a snapped point is not that place.
 * - Everything starts from the anonymous public view (`assetRecordToAsset` without a viewer), so
 *   HSDS shows nothing the public API does not. On top of that, talents and residents'
 *   initiatives (people's own, often of vulnerable people) carry no phone, e-mail or contact
 *   person: people are reached through the platform.
 * - The taxonomy (kinds and categories, social capital, inclusion, target groups, the five
 *   characteristics) is published as HSDS taxonomies; every tag of an asset is an attribute of
 *   its service pointing to a term. Wheelchair access and low-stimulus are also accessibility of
 *   the location; free-or-low-cost and no-registration also fill the fees and application texts.
 *
 * Ids. HSDS ids are UUIDs and must stay the same from one export to the next:
 * - taxonomies, terms and every object that hangs under a service (phones, schedules,
 *   languages, attributes, addresses...) get a name-based UUID v5 from the asset id (or the
 *   taxonomy code), the object type and its key;
 * - organization, location and service_at_location, which have endpoints of their own, get
 *   the asset id with a fixed mask per type XOR-ed into it (the version and variant bits left
 *   as they are, so the result is a well-formed UUID): as stable as a v5 id, but it can be
 *   turned back into the asset id, so /hsds/organizations/{id} is one primary-key lookup.
 *   The mask hides nothing: the links between these objects are published anyway.
 */

// ---------------------------------------------------------------------------------------------
// Ids

const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

const uuidBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');
function formatUuid(bytes: Buffer): string {
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A name-based UUID, version 5 (RFC 9562, section 5.5). */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  return formatUuid(hash);
}

const HSDS_NAMESPACE = uuidV5(URL_NAMESPACE, 'https://kwartier.nl/hsds');
const hsdsId = (name: string) => uuidV5(HSDS_NAMESPACE, name);

type LinkedType = 'organization' | 'location' | 'service_at_location';

function maskFor(type: LinkedType): Buffer {
  const mask = createHash('sha1').update(`kwartier-hsds-mask:${type}`).digest().subarray(0, 16);
  mask[6] = mask[6]! & 0x0f; // leave the version nibble alone
  mask[8] = mask[8]! & 0x3f; // and the variant bits
  return mask;
}
const MASKS: Record<LinkedType, Buffer> = {
  organization: maskFor('organization'),
  location: maskFor('location'),
  service_at_location: maskFor('service_at_location'),
};

/** The id of an asset's organization, location or service_at_location; applied twice, the asset id again. */
export function linkedId(id: string, type: LinkedType): string {
  const bytes = uuidBytes(id);
  const mask = MASKS[type];
  for (let i = 0; i < 16; i++) bytes[i] = bytes[i]! ^ mask[i]!;
  return formatUuid(bytes);
}

const childId = (type: string, assetId: string, key: string | number = '') => hsdsId(`${type}:${assetId}:${key}`);

export const taxonomyId = (code: string) => hsdsId(`taxonomy:${code}`);
export const taxonomyTermId = (taxonomyCode: string, termCode: string) => hsdsId(`taxonomy_term:${taxonomyCode}:${termCode}`);

// ---------------------------------------------------------------------------------------------
// The taxonomy

type TaxonomyEntry = { taxonomyCode: string; term: HsdsTaxonomyTermDefinition; filter: AssetFilterInput };

/** Which asset filter each taxonomy's terms stand for. */
function filterFor(taxonomyCode: string, term: HsdsTaxonomyTermDefinition): AssetFilterInput {
  const code = term.code as never;
  switch (taxonomyCode) {
    case 'kwartier-asset-type':
      return term.parentCode === undefined ? { kind: [code] } : { category: [code] };
    case 'kwartier-social-capital':
      return { socialCapital: [code] };
    case 'kwartier-inclusion':
      return { inclusion: [code] };
    case 'kwartier-target-group':
      return { targetGroup: [code] };
    case 'kwartier-characteristic':
      return { characteristic: [code] };
    default:
      throw new Error(`no filter for taxonomy ${taxonomyCode}`);
  }
}

const TERMS = new Map<string, TaxonomyEntry>(
  HSDS_TAXONOMIES.flatMap((taxonomy) =>
    (taxonomy.terms as readonly HsdsTaxonomyTermDefinition[]).map(
      (term) => [taxonomyTermId(taxonomy.code, term.code), { taxonomyCode: taxonomy.code, term, filter: filterFor(taxonomy.code, term) }] as const,
    ),
  ),
);

function toTaxonomy(taxonomy: (typeof HSDS_TAXONOMIES)[number], lang: HsdsLanguage): HsdsTaxonomy {
  return { id: taxonomyId(taxonomy.code), name: taxonomy.name[lang], description: taxonomy.description[lang], version: HSDS_VERSION };
}

function toTerm(taxonomyCode: string, term: HsdsTaxonomyTermDefinition, lang: HsdsLanguage): HsdsTaxonomyTerm {
  const taxonomy = HSDS_TAXONOMIES.find((entry) => entry.code === taxonomyCode)!;
  const other: HsdsLanguage = lang === 'nl' ? 'en' : 'nl';
  return {
    id: taxonomyTermId(taxonomyCode, term.code),
    code: term.code,
    name: term.label[lang],
    // The other language's name rides along, for a reader who keeps both.
    description: `${term.description?.[lang] ?? term.label[lang]} (${other}: ${term.label[other]})`,
    ...(term.parentCode !== undefined ? { parent_id: taxonomyTermId(taxonomyCode, term.parentCode) } : {}),
    taxonomy: taxonomy.name[lang],
    taxonomy_id: taxonomyId(taxonomyCode),
    language: lang,
  };
}

export function hsdsTaxonomies(lang: HsdsLanguage): HsdsTaxonomy[] {
  return HSDS_TAXONOMIES.map((taxonomy) => toTaxonomy(taxonomy, lang));
}

export function hsdsTaxonomyTerms(lang: HsdsLanguage): HsdsTaxonomyTerm[] {
  return [...TERMS.values()].map((entry) => toTerm(entry.taxonomyCode, entry.term, lang));
}

// ---------------------------------------------------------------------------------------------
// An asset as HSDS objects

const RESIDENTS_ORGANIZATION_ID = hsdsId('organization:kwartier-residents');
const RESIDENTS_ORGANIZATION: Record<HsdsLanguage, { name: string; description: string }> = {
  nl: {
    name: 'Bewoners via Kwartier',
    description: 'Talenten van bewoners: wat zij voor de buurt kunnen doen. Je bereikt hen via Kwartier, niet rechtstreeks.',
  },
  en: {
    name: 'Residents via Kwartier',
    description: 'Talents of residents: what they can do for the neighbourhood. They are reached through Kwartier, not directly.',
  },
};

function residentsOrganization(lang: HsdsLanguage): HsdsOrganizationList {
  return { id: RESIDENTS_ORGANIZATION_ID, ...RESIDENTS_ORGANIZATION[lang] };
}

/** Kinds that are people's own: published without any personal channel. */
const PERSONAL_KINDS: readonly AssetKind[] = ['talent', 'initiative'];

/**
 * Phone, e-mail and contact person as HSDS may publish them: what the public API shows
 * (the asset's contact is already the public one), and none of it for people's own entries.
 */
function channelsOf(asset: Asset) {
  if (PERSONAL_KINDS.includes(asset.kind) || !isExactInPublic(asset)) return { website: asset.contact.website };
  return asset.contact;
}

const kindLabel = (kind: AssetKind, lang: HsdsLanguage) => ASSET_KINDS.find((entry) => entry.code === kind)!.label[lang];
const labelOf = (terms: readonly { code: string; label: Label }[], code: string, lang: HsdsLanguage) =>
  terms.find((term) => term.code === code)?.label[lang] ?? code;

function organizationOf(asset: Asset, lang: HsdsLanguage): HsdsOrganizationList {
  if (asset.kind === 'talent') return residentsOrganization(lang);
  const { website } = channelsOf(asset);
  return {
    id: linkedId(asset.id, 'organization'),
    name: asset.name,
    description: asset.description || kindLabel(asset.kind, lang),
    ...(website ? { website } : {}),
  };
}

const TEXTS = {
  nl: {
    noRegistration: 'Zonder aanmelding: je kunt gewoon binnenlopen.',
    freeOrLowCost: 'Gratis of goedkoop.',
    for: 'Voor',
    alwaysOpen: 'Dag en nacht open',
    everyWeek: 'elke week',
    everyOtherWeek: 'om de week',
    ofTheMonth: (weeks: string) => `${weeks} van de maand`,
    last: 'laatste',
    ordinal: (week: number) => `${week}e`,
    area: (place: string) => `In of bij ${place}. De precieze plek is niet openbaar.`,
    netherlands: 'Nederland',
    days: { mo: 'maandag', tu: 'dinsdag', we: 'woensdag', th: 'donderdag', fr: 'vrijdag', sa: 'zaterdag', su: 'zondag' },
  },
  en: {
    noRegistration: 'No registration needed: just walk in.',
    freeOrLowCost: 'Free or low cost.',
    for: 'For',
    alwaysOpen: 'Open day and night',
    everyWeek: 'every week',
    everyOtherWeek: 'every other week',
    ofTheMonth: (weeks: string) => `${weeks} of the month`,
    last: 'last',
    ordinal: (week: number) => `${week}${week === 1 ? 'st' : week === 2 ? 'nd' : week === 3 ? 'rd' : 'th'}`,
    area: (place: string) => `In or near ${place}. The exact place is not public.`,
    netherlands: 'the Netherlands',
    days: { mo: 'Monday', tu: 'Tuesday', we: 'Wednesday', th: 'Thursday', fr: 'Friday', sa: 'Saturday', su: 'Sunday' },
  },
} satisfies Record<HsdsLanguage, unknown>;

const RRULE_DAY: Record<Weekday, string> = { mo: 'MO', tu: 'TU', we: 'WE', th: 'TH', fr: 'FR', sa: 'SA', su: 'SU' };
const ALL_DAYS: Weekday[] = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'];

/**
 * Kwartier's schedule as HSDS schedules, which follow iCalendar's RRULE: opening hours are
 * weekly, a meeting weekly, every other week (interval 2 from its anchor date) or monthly on
 * given weeks (BYDAY=2TU, -1SA). Times are local Dutch wall-clock times; HSDS's `timezone` is a
 * fixed UTC offset that cannot follow summer time, so it stays empty and the notes say so.
 */
function schedulesOf(asset: Asset, lang: HsdsLanguage): HsdsSchedule[] {
  const { schedule } = asset;
  const text = TEXTS[lang];
  const days = (list: readonly Weekday[]) => list.map((day) => text.days[day]).join(', ');
  const common = (index: number) => ({
    id: childId('schedule', asset.id, index),
    service_id: asset.id,
    wkst: 'MO' as const,
    attending_type: 'in person',
    ...(schedule.note ? { notes: schedule.note } : {}),
  });
  const entries: HsdsSchedule[] = [];
  if (schedule.alwaysOpen) {
    entries.push({
      ...common(entries.length), freq: 'WEEKLY', interval: 1, byday: ALL_DAYS.map((day) => RRULE_DAY[day]).join(','),
      opens_at: '00:00', closes_at: '24:00', description: text.alwaysOpen,
    });
  }
  schedule.openingHours.forEach((hours: OpeningHours) => {
    entries.push({
      ...common(entries.length), freq: 'WEEKLY', interval: 1, byday: hours.days.map((day) => RRULE_DAY[day]).join(','),
      opens_at: hours.opens, closes_at: hours.closes, description: `${days(hours.days)} ${hours.opens}-${hours.closes}`,
    });
  });
  schedule.meetings.forEach((meeting: Meeting) => {
    const day = RRULE_DAY[meeting.weekday];
    const times = `${meeting.starts}-${meeting.ends}`;
    const base = { ...common(entries.length), opens_at: meeting.starts, closes_at: meeting.ends };
    if (meeting.recurrence === 'monthly') {
      const weeks = meeting.weeksOfMonth ?? [];
      const ordinal = weeks.map((week) => (week === -1 ? text.last : text.ordinal(week))).join(', ');
      entries.push({
        ...base, freq: 'MONTHLY', interval: 1, byday: weeks.map((week) => `${week}${day}`).join(','),
        description: `${text.days[meeting.weekday]} ${times}, ${text.ofTheMonth(ordinal)}`,
      });
    } else {
      const biweekly = meeting.recurrence === 'biweekly';
      entries.push({
        ...base, freq: 'WEEKLY', interval: biweekly ? 2 : 1, byday: day,
        ...(biweekly && meeting.anchorDate ? { dtstart: meeting.anchorDate } : {}),
        description: `${text.days[meeting.weekday]} ${times}, ${biweekly ? text.everyOtherWeek : text.everyWeek}`,
      });
    }
  });
  // A schedule that is only a note ("op afspraak") is still worth passing on.
  if (entries.length === 0 && schedule.note) entries.push({ id: childId('schedule', asset.id, 0), service_id: asset.id, notes: schedule.note });
  return entries;
}

function languagesOf(asset: Asset, lang: HsdsLanguage): HsdsLanguageEntry[] {
  const names = new Intl.DisplayNames([lang], { type: 'language' });
  return asset.languages.map((code) => ({
    id: childId('language', asset.id, code),
    service_id: asset.id,
    name: names.of(code) ?? code,
    code,
  }));
}

/** Every tag of the asset as an attribute of its service, pointing to its taxonomy term. */
function attributesOf(asset: Asset, lang: HsdsLanguage): HsdsAttribute[] {
  const tags: Array<[string, string, string]> = [
    ['kwartier-asset-type', asset.kind, 'service_type'],
    ['kwartier-asset-type', asset.category, 'service_type'],
    ...asset.socialCapital.map((code): [string, string, string] => ['kwartier-social-capital', code, 'social_capital']),
    ...asset.inclusionFeatures.map((code): [string, string, string] => ['kwartier-inclusion', code, 'inclusion']),
    ...asset.targetGroups.map((code): [string, string, string] => ['kwartier-target-group', code, 'eligibility']),
    ...asset.characteristics.map((code): [string, string, string] => ['kwartier-characteristic', code, 'characteristic']),
  ];
  return tags.flatMap(([taxonomyCode, code, linkType]) => {
    const termId = taxonomyTermId(taxonomyCode, code);
    const entry = TERMS.get(termId);
    if (!entry) return [];
    return [{
      id: childId('attribute', asset.id, termId),
      link_id: asset.id,
      link_type: linkType,
      link_entity: 'service',
      taxonomy_term_id: termId,
      taxonomy_term: toTerm(taxonomyCode, entry.term, lang),
    }];
  });
}

function addressOf(asset: Asset, locationId: string): HsdsAddress[] {
  const { street, houseNumber, postcode, city } = asset.address;
  if (!street || !city) return [];
  return [{
    id: childId('address', asset.id),
    location_id: locationId,
    address_1: houseNumber ? `${street} ${houseNumber}` : street,
    city,
    ...(asset.gemeente ? { region: asset.gemeente.name } : {}),
    // Kwartier keeps no province; HSDS requires the field, so it is present and empty.
    state_province: '',
    postal_code: postcode ?? '',
    country: 'NL',
    address_type: 'physical',
  }];
}

function accessibilityOf(asset: Asset, locationId: string, lang: HsdsLanguage): HsdsAccessibility[] {
  return asset.inclusionFeatures
    .filter((feature) => ACCESSIBILITY_FEATURES.includes(feature))
    .map((feature) => ({
      id: childId('accessibility', asset.id, feature),
      location_id: locationId,
      description: labelOf(INCLUSION_FEATURES, feature, lang),
    }));
}

/** The location of an asset whose exact place is public; none for any other. */
function locationOf(asset: Asset, lang: HsdsLanguage): HsdsLocation | null {
  if (!isExactInPublic(asset)) return null;
  const id = linkedId(asset.id, 'location');
  const [longitude, latitude] = asset.location.coordinates;
  return {
    id,
    location_type: 'physical',
    organization_id: organizationOf(asset, lang).id,
    name: asset.name,
    latitude,
    longitude,
    addresses: addressOf(asset, id),
    accessibility: accessibilityOf(asset, id, lang),
  };
}

function serviceAreasOf(asset: Asset, lang: HsdsLanguage): HsdsServiceArea[] {
  if (isExactInPublic(asset)) return [];
  const area = asset.buurt ?? asset.wijk ?? asset.gemeente;
  const place = area
    ? asset.gemeente && area.code !== asset.gemeente.code ? `${area.name} (${asset.gemeente.name})` : area.name
    : TEXTS[lang].netherlands;
  return [{ id: childId('service_area', asset.id), service_id: asset.id, name: place, description: TEXTS[lang].area(place) }];
}

function serviceListOf(asset: Asset, lang: HsdsLanguage): HsdsServiceList {
  const text = TEXTS[lang];
  const channels = channelsOf(asset);
  const groups = asset.targetGroups.filter((group) => group !== 'everyone').map((group) => labelOf(TARGET_GROUPS, group, lang));
  const organization = organizationOf(asset, lang);
  return {
    id: asset.id,
    organization_id: organization.id,
    name: asset.name,
    description: asset.description,
    ...(channels.website ? { url: channels.website } : {}),
    ...(channels.email ? { email: channels.email } : {}),
    status: 'active',
    ...(asset.inclusionFeatures.includes('no_registration') ? { application_process: text.noRegistration } : {}),
    ...(asset.inclusionFeatures.includes('free_or_low_cost') ? { fees_description: text.freeOrLowCost } : {}),
    ...(groups.length > 0 ? { eligibility_description: `${text.for}: ${groups.join(', ')}` } : {}),
    last_modified: asset.updatedAt,
    organization,
  };
}

type NestedService = Omit<HsdsService, 'service_at_locations'>;

function nestedServiceOf(asset: Asset, lang: HsdsLanguage): NestedService {
  const channels = channelsOf(asset);
  const phones: HsdsPhone[] = channels.phone ? [{ id: childId('phone', asset.id), service_id: asset.id, number: channels.phone, type: 'voice' }] : [];
  const contacts: HsdsContact[] = channels.contactPerson
    ? [{ id: childId('contact', asset.id), service_id: asset.id, name: channels.contactPerson }]
    : [];
  return {
    ...serviceListOf(asset, lang),
    phones,
    schedules: schedulesOf(asset, lang),
    service_areas: serviceAreasOf(asset, lang),
    languages: languagesOf(asset, lang),
    contacts,
    attributes: attributesOf(asset, lang),
  };
}

/** HSDS service_full of a published asset. */
export function assetToHsdsService(asset: Asset, lang: HsdsLanguage = 'nl'): HsdsService {
  const location = locationOf(asset, lang);
  return {
    ...nestedServiceOf(asset, lang),
    service_at_locations: location
      ? [{ id: linkedId(asset.id, 'service_at_location'), service_id: asset.id, location_id: location.id, location }]
      : [],
  };
}

function serviceAtLocationListOf(asset: Asset, lang: HsdsLanguage): HsdsServiceAtLocationList | null {
  const location = locationOf(asset, lang);
  if (!location) return null;
  const { addresses: _addresses, accessibility: _accessibility, ...oneToOne } = location;
  return {
    id: linkedId(asset.id, 'service_at_location'),
    service_id: asset.id,
    location_id: location.id,
    location: oneToOne,
    service: serviceListOf(asset, lang),
  };
}

function serviceAtLocationOf(asset: Asset, lang: HsdsLanguage): HsdsServiceAtLocation | null {
  const location = locationOf(asset, lang);
  if (!location) return null;
  return {
    id: linkedId(asset.id, 'service_at_location'),
    service_id: asset.id,
    location_id: location.id,
    location,
    service: nestedServiceOf(asset, lang),
  };
}

function organizationFullOf(asset: Asset, lang: HsdsLanguage): HsdsOrganization {
  const location = locationOf(asset, lang);
  return { ...organizationOf(asset, lang), locations: location ? [location] : [], services: [assetToHsdsService(asset, lang)] };
}

// ---------------------------------------------------------------------------------------------
// Reading

/** The public view: the anonymous mapper of the assets module, with no viewer. */
const publicAsset = (record: AssetRecord): Asset => assetRecordToAsset(record, null);

async function findPublished(db: Kysely<DB>, assetId: string): Promise<Asset | null> {
  const record = await assets.findAssetById(db, assetId);
  return record && record.status === 'published' ? publicAsset(record) : null;
}

export function hsdsPage<T>(contents: T[], total: number, page: number, perPage: number): HsdsPage<T> {
  const totalPages = Math.ceil(total / perPage);
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}

const pageOf = (query: { page: number; per_page: number }) => ({ limit: query.per_page, offset: (query.page - 1) * query.per_page });

/** The asset filters of an HSDS query; null when a taxonomy term is not Kwartier's, so nothing matches. */
function filtersOf(query: { search?: string | undefined; taxonomy_term_id?: string | undefined }): AssetFilterInput | null {
  const filters: AssetFilterInput = { status: ['published'] };
  if (query.search) filters.q = query.search;
  if (query.taxonomy_term_id !== undefined) {
    const entry = TERMS.get(query.taxonomy_term_id);
    if (!entry) return null;
    Object.assign(filters, entry.filter);
  }
  return filters;
}

/** Without `proximity`, a postcode search reaches as far as the nearby search of the map does. */
const DEFAULT_PROXIMITY_METERS = 2_000;

type Near = { center: { lon: number; lat: number }; radiusMeters: number };
type Log = { warn(obj: object, msg: string): void };
export type HsdsContext = { db: Kysely<DB>; locatieserverUrl: string | null; log: Log };

/**
 * Where a search is measured from: a point, or the centre of a postcode, from PDOK's
 * Locatieserver when it is configured and knows the postcode, else from Kwartier's own public
 * addresses. 'unknown' when nobody knows the postcode.
 */
async function nearOf(context: HsdsContext, query: HsdsServiceListQuery): Promise<Near | 'unknown' | null> {
  const radiusMeters = query.proximity ?? DEFAULT_PROXIMITY_METERS;
  if (query.lat !== undefined && query.lon !== undefined) return { center: { lon: query.lon, lat: query.lat }, radiusMeters };
  if (query.postcode === undefined) return null;
  const postcode = query.postcode.replace(/\s+/g, '').toUpperCase();
  if (context.locatieserverUrl && postcode.length === 6) {
    try {
      const places = await searchLocatieserver(context.locatieserverUrl, postcode, 1);
      const place = places.find((candidate) => candidate.type === 'postcode');
      if (place) return { center: { lon: place.lon, lat: place.lat }, radiusMeters };
    } catch (err) {
      context.log.warn({ error: { message: (err as Error).message } }, 'Locatieserver did not answer; postcode from own addresses');
    }
  }
  const center = await repository.postcodeCentroid(context.db, postcode);
  return center ? { center, radiusMeters } : 'unknown';
}

export async function listHsdsServices(context: HsdsContext, query: HsdsServiceListQuery): Promise<HsdsPage<HsdsService | HsdsServiceList>> {
  const filters = filtersOf(query);
  const near = await nearOf(context, query);
  if (!filters || near === 'unknown') return hsdsPage([], 0, query.page, query.per_page);
  const { rows, total } = near
    ? await assets.nearbyAssets(context.db, near.center, near.radiusMeters, filters, pageOf(query))
    : await assets.listAssets(context.db, filters, pageOf(query));
  const toService = query.full ? assetToHsdsService : serviceListOf;
  return hsdsPage(rows.map((row) => toService(publicAsset(row), query.lang)), total, query.page, query.per_page);
}

export async function getHsdsService(db: Kysely<DB>, id: string, lang: HsdsLanguage): Promise<HsdsService> {
  const asset = await findPublished(db, id);
  if (!asset) throw notFound('Service');
  return assetToHsdsService(asset, lang);
}

export async function listHsdsServiceAtLocations(
  context: HsdsContext,
  query: HsdsServiceListQuery,
): Promise<HsdsPage<HsdsServiceAtLocation | HsdsServiceAtLocationList>> {
  const filters = filtersOf(query);
  const near = await nearOf(context, query);
  if (!filters || near === 'unknown') return hsdsPage([], 0, query.page, query.per_page);
  const { ids, total } = await repository.exactPublicAssetIds(context.db, filters, pageOf(query), near ?? undefined);
  const contents = [];
  for (const id of ids) {
    const asset = await findPublished(context.db, id);
    const item = asset && (query.full ? serviceAtLocationOf(asset, query.lang) : serviceAtLocationListOf(asset, query.lang));
    if (item) contents.push(item);
  }
  return hsdsPage(contents, total, query.page, query.per_page);
}

export async function getHsdsServiceAtLocation(db: Kysely<DB>, id: string, lang: HsdsLanguage): Promise<HsdsServiceAtLocation> {
  const asset = await findPublished(db, linkedId(id, 'service_at_location'));
  const item = asset && serviceAtLocationOf(asset, lang);
  if (!item) throw notFound('Service at location');
  return item;
}

const ORGANIZATION_KINDS = ASSET_KINDS.map((kind) => kind.code).filter((kind) => kind !== 'talent');

/** Organizations: one per asset that is not a talent, by name, then the one of the residents. */
export async function listHsdsOrganizations(
  db: Kysely<DB>,
  query: HsdsOrganizationListQuery,
): Promise<HsdsPage<HsdsOrganization | HsdsOrganizationList>> {
  const filters: AssetFilterInput = { status: ['published'], kind: ORGANIZATION_KINDS, ...(query.search ? { q: query.search } : {}) };
  const page = pageOf(query);
  const { rows, total: ownTotal } = await assets.listAssets(db, filters, page);
  const residents = residentsOrganization(query.lang);
  const residentsMatch = query.search === undefined || residents.name.toLowerCase().includes(query.search.toLowerCase());
  const hasTalents = residentsMatch && (await assets.listAssets(db, { status: ['published'], kind: ['talent'] }, { limit: 1, offset: 0 })).total > 0;
  const contents: Array<HsdsOrganization | HsdsOrganizationList> = rows.map((row) =>
    query.full ? organizationFullOf(publicAsset(row), query.lang) : organizationOf(publicAsset(row), query.lang),
  );
  // The residents' organization comes after every other, on whichever page that is.
  if (hasTalents && page.offset <= ownTotal && ownTotal < page.offset + page.limit) {
    contents.push(query.full ? { ...residents, locations: [], services: [] } : residents);
  }
  return hsdsPage(contents, ownTotal + (hasTalents ? 1 : 0), query.page, query.per_page);
}

/**
 * One organization, with its location and service. The residents' organization lists no
 * services here (there may be thousands of talents): /hsds/services with the taxonomy term of
 * the kind "talent" finds them.
 */
export async function getHsdsOrganization(db: Kysely<DB>, id: string, lang: HsdsLanguage): Promise<HsdsOrganization> {
  if (id === RESIDENTS_ORGANIZATION_ID) return { ...residentsOrganization(lang), locations: [], services: [] };
  const asset = await findPublished(db, linkedId(id, 'organization'));
  if (!asset || asset.kind === 'talent') throw notFound('Organization');
  return organizationFullOf(asset, lang);
}

/** A page of a list that is held in memory, with HSDS's search by name or description. */
function pageFromList<T extends { name: string; description: string }>(
  items: T[],
  query: { page: number; per_page: number; search?: string | undefined },
): HsdsPage<T> {
  const search = query.search?.toLowerCase();
  const matching = search ? items.filter((item) => `${item.name} ${item.description}`.toLowerCase().includes(search)) : items;
  const { limit, offset } = pageOf(query);
  return hsdsPage(matching.slice(offset, offset + limit), matching.length, query.page, query.per_page);
}

export function listHsdsTaxonomies(query: HsdsTaxonomyListQuery): HsdsPage<HsdsTaxonomy> {
  return pageFromList(hsdsTaxonomies(query.lang), query);
}

export function getHsdsTaxonomy(id: string, lang: HsdsLanguage): HsdsTaxonomy {
  const found = hsdsTaxonomies(lang).find((taxonomy) => taxonomy.id === id);
  if (!found) throw notFound('Taxonomy');
  return found;
}

export function listHsdsTaxonomyTerms(query: HsdsTaxonomyTermListQuery): HsdsPage<HsdsTaxonomyTerm> {
  const terms = hsdsTaxonomyTerms(query.lang).filter(
    (term) =>
      (query.taxonomy_id === undefined || term.taxonomy_id === query.taxonomy_id) &&
      (query.parent_id === undefined || term.parent_id === query.parent_id) &&
      (!query.top_only || term.parent_id === undefined),
  );
  return pageFromList(terms, query);
}

export function getHsdsTaxonomyTerm(id: string, lang: HsdsLanguage): HsdsTaxonomyTerm {
  const entry = TERMS.get(id);
  if (!entry) throw notFound('Taxonomy term');
  return toTerm(entry.taxonomyCode, entry.term, lang);
}

export const hsdsRoot = () => ({ version: HSDS_VERSION });

// ---------------------------------------------------------------------------------------------
// The whole dataset, for the export

export type HsdsDataset = {
  version: string;
  services: HsdsService[];
  organizations: HsdsOrganizationList[];
  taxonomies: HsdsTaxonomy[];
  taxonomy_terms: HsdsTaxonomyTerm[];
};

/**
 * Every published asset as an HSDS service_full, with the organizations, taxonomies and terms
 * they point to: what anyone may see, nothing more. Read in pages, by name.
 */
export async function hsdsDataset(db: Kysely<DB>, options: { lang?: HsdsLanguage } = {}): Promise<HsdsDataset> {
  const lang = options.lang ?? 'nl';
  const services: HsdsService[] = [];
  const organizations = new Map<string, HsdsOrganizationList>();
  const pageSize = 500;
  for (let offset = 0; ; offset += pageSize) {
    const { rows } = await assets.listAssets(db, { status: ['published'] }, { limit: pageSize, offset });
    for (const row of rows) {
      const asset = publicAsset(row);
      services.push(assetToHsdsService(asset, lang));
      const organization = organizationOf(asset, lang);
      organizations.set(organization.id, organization);
    }
    if (rows.length < pageSize) break;
  }
  return {
    version: HSDS_VERSION,
    services,
    organizations: [...organizations.values()],
    taxonomies: hsdsTaxonomies(lang),
    taxonomy_terms: hsdsTaxonomyTerms(lang),
  };
}
