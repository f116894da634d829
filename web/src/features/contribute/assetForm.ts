import {
  type Address,
  type AssetKind,
  type Availability,
  type AssetUpdate,
  type Contact,
  type Exchange,
  type LocationPrecision,
  type ManagedAsset,
  type Meeting,
  type OpeningHours,
  CONSENT_TEXTS,
} from '@kwartier/shared';

/**
 * The contribute form's state, close to `AssetCreateSchema`: text fields as the person typed
 * them (empty strings included), turned into a request body by `toBody`.
 */
export type MeetingDraft = Omit<Meeting, 'weeksOfMonth' | 'anchorDate'> & { weeksOfMonth: number[]; anchorDate: string };
export type AssetDraft = {
  kind: AssetKind | '';
  category: string;
  name: string;
  description: string;
  socialCapital: string[];
  inclusionFeatures: string[];
  targetGroups: string[];
  languages: string[];
  characteristics: string[];
  schedule: { alwaysOpen: boolean; openingHours: OpeningHours[]; meetings: MeetingDraft[]; note: string };
  contact: { phone: string; email: string; website: string; contactPerson: string };
  asks: Exchange[];
  offers: Exchange[];
  precision: LocationPrecision;
  address: { street: string; houseNumber: string; postcode: string; city: string };
  shareContactWithProfessionals: boolean;
  /** A talent's skills and availability, for matching. */
  skills: string[];
  availability: Availability;
};

export type Point = { lon: number; lat: number };

export const EMPTY_DRAFT: AssetDraft = {
  kind: '',
  category: '',
  name: '',
  description: '',
  socialCapital: [],
  inclusionFeatures: [],
  targetGroups: [],
  languages: [],
  characteristics: [],
  schedule: { alwaysOpen: false, openingHours: [], meetings: [], note: '' },
  contact: { phone: '', email: '', website: '', contactPerson: '' },
  asks: [],
  offers: [],
  precision: 'exact',
  address: { street: '', houseNumber: '', postcode: '', city: '' },
  shareContactWithProfessionals: false,
  skills: [],
  availability: [],
};

/** An entry as stored, back into the form: for editing. */
export function draftOf(asset: ManagedAsset): AssetDraft {
  const contact = asset.contact;
  const address = asset.address;
  return {
    kind: asset.kind,
    category: asset.category,
    name: asset.name,
    description: asset.description,
    socialCapital: asset.socialCapital,
    inclusionFeatures: asset.inclusionFeatures,
    targetGroups: asset.targetGroups,
    languages: asset.languages,
    characteristics: asset.characteristics,
    schedule: {
      alwaysOpen: asset.schedule.alwaysOpen,
      openingHours: asset.schedule.openingHours,
      meetings: asset.schedule.meetings.map((meeting) => ({ ...meeting, weeksOfMonth: meeting.weeksOfMonth ?? [], anchorDate: meeting.anchorDate ?? '' })),
      note: asset.schedule.note ?? '',
    },
    contact: { phone: contact.phone ?? '', email: contact.email ?? '', website: contact.website ?? '', contactPerson: contact.contactPerson ?? '' },
    asks: asset.asks,
    offers: asset.offers,
    precision: asset.precision,
    address: { street: address.street ?? '', houseNumber: address.houseNumber ?? '', postcode: address.postcode ?? '', city: address.city ?? '' },
    shareContactWithProfessionals: asset.shareContactWithProfessionals,
    skills: asset.skills ?? [],
    availability: asset.availability ?? [],
  };
}

/** Only the fields filled in: the schema reads an empty string as a value, and a wrong one. */
function filled<T extends Record<string, string>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value.trim()]).filter(([, value]) => value !== '')) as Partial<T>;
}

export function contactOf(draft: AssetDraft): Contact {
  return filled(draft.contact);
}

export function addressOf(draft: AssetDraft): Address {
  return filled(draft.address);
}

function scheduleOf(draft: AssetDraft) {
  const note = draft.schedule.note.trim();
  return {
    alwaysOpen: draft.schedule.alwaysOpen,
    openingHours: draft.schedule.openingHours,
    meetings: draft.schedule.meetings.map(({ weeksOfMonth, anchorDate, ...meeting }) => ({
      ...meeting,
      ...(meeting.recurrence === 'monthly' ? { weeksOfMonth } : {}),
      ...(meeting.recurrence === 'biweekly' && anchorDate ? { anchorDate } : {}),
    })),
    ...(note ? { note } : {}),
  };
}

/** The editable fields, as `AssetUpdateSchema` names them. */
export function fieldsOf(draft: AssetDraft, location: Point | null): Record<string, unknown> {
  return {
    ...(draft.kind ? { kind: draft.kind } : {}),
    ...(draft.category ? { category: draft.category } : {}),
    name: draft.name.trim(),
    description: draft.description.trim(),
    socialCapital: draft.socialCapital,
    inclusionFeatures: draft.inclusionFeatures,
    targetGroups: draft.targetGroups,
    languages: draft.languages,
    characteristics: draft.characteristics,
    schedule: scheduleOf(draft),
    contact: contactOf(draft),
    asks: draft.asks.filter((exchange) => exchange.description.trim() !== '').map((exchange) => ({ ...exchange, description: exchange.description.trim() })),
    offers: draft.offers.filter((exchange) => exchange.description.trim() !== '').map((exchange) => ({ ...exchange, description: exchange.description.trim() })),
    ...(location ? { location: { type: 'Point', coordinates: [location.lon, location.lat] } } : {}),
    precision: draft.precision,
    address: addressOf(draft),
    shareContactWithProfessionals: draft.shareContactWithProfessionals,
    ...(draft.kind === 'talent' ? { skills: draft.skills, availability: draft.availability } : {}),
  };
}

/** A new entry's body, for `POST /api/assets`, with the consent to the wording shown. */
export function submissionOf(draft: AssetDraft, location: Point | null): Record<string, unknown> {
  return { ...fieldsOf(draft, location), consent: { version: CONSENT_TEXTS.publish.version } };
}

/** Only what changed, for `PATCH /api/assets/:id`: the history then names just those fields. */
export function changesOf(original: Record<string, unknown>, next: Record<string, unknown>): AssetUpdate {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (JSON.stringify(value) !== JSON.stringify(original[key])) patch[key] = value;
  }
  return patch as AssetUpdate;
}

/**
 * An address out of a place found by the search, such as "Breestraat 12, 2311CS Leiden", the
 * way PDOK's Locatieserver writes them; null for anything else.
 */
export function addressFromLabel(label: string): AssetDraft['address'] | null {
  const match = /^(.+?)\s+(\d+\s*[A-Za-z]?(?:[-\s]?\w+)?),\s*(\d{4}\s?[A-Z]{2})\s+(.+)$/.exec(label.trim());
  if (!match) return null;
  return { street: match[1]!, houseNumber: match[2]!, postcode: match[3]!, city: match[4]! };
}
