import { type AssetImport, AssetImportSchema, ContactSchema } from '@kwartier/shared';
import type { FeatureCollection } from './cbs.ts';

/**
 * DUO's school files as they come: a primary-school name field with a trailing space
 * ('VESTIGINGSNAAM '), house numbers with additions in 'HUISNUMMER-TOEVOEGING', upper-case
 * place names, and web addresses wrapped in forum markup ("[url=http://...]Website[/url]").
 */

type SchoolLevel = 'primary' | 'secondary';

/** A property by its name with surrounding spaces ignored, the way a spreadsheet user reads it. */
function field(properties: Record<string, unknown>, name: string): string | undefined {
  for (const [key, value] of Object.entries(properties)) {
    if (key.trim() === name && value !== null && value !== undefined) {
      const text = String(value).trim();
      return text === '' ? undefined : text;
    }
  }
  return undefined;
}

/** "[url=http://www.school.nl]Website[/url]" → "http://www.school.nl"; blank links → none. */
export function websiteFromDuo(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const inner = /\[url=([^\]]*)\]/i.exec(raw)?.[1]?.trim() ?? raw.trim();
  if (inner === '') return undefined;
  return /^https?:\/\//i.test(inner) ? inner : `http://${inner}`;
}

function titleCase(place: string): string {
  return place.toLowerCase().replace(/(^|[\s-])(\p{L})/gu, (_m, sep: string, letter: string) => sep + letter.toUpperCase());
}

/** Contact fields that fail validation are left out rather than failing the whole school. */
function validContact(candidate: Record<string, string | undefined>) {
  const contact: Record<string, string> = {};
  for (const [key, value] of Object.entries(candidate)) {
    if (value === undefined) continue;
    const single = ContactSchema.safeParse({ [key]: value });
    if (single.success) contact[key] = value;
  }
  return contact;
}

export function readDuoSchools(collection: FeatureCollection, level: SchoolLevel, source: string): AssetImport[] {
  return collection.features.flatMap((feature, index) => {
    const p = feature.properties ?? {};
    const geometry = feature.geometry as { type: string; coordinates?: unknown } | null;
    const name = field(p, 'VESTIGINGSNAAM');
    const sourceId = field(p, 'VESTIGINGSNUMMER');
    if (!geometry || geometry.type !== 'Point' || !name || !sourceId) {
      console.warn(`${source} feature ${index + 1}: skipped, it lacks a point, a name or a VESTIGINGSNUMMER`);
      return [];
    }
    const city = field(p, 'Woonplaatsnaam') ?? titleCase(field(p, 'PLAATSNAAM') ?? '');
    const input = {
      kind: 'facility',
      category: 'school',
      name,
      description: level === 'primary' ? 'Basisschool' : 'School voor voortgezet onderwijs',
      // What a school is, not what we guess about it: it brings families of a buurt together,
      // and it is a facility of the buurt. Inclusion features are left for the school to add.
      socialCapital: ['bridging'],
      targetGroups: ['youth'],
      characteristics: ['resources'],
      contact: validContact({ phone: field(p, 'TELEFOONNUMMER'), website: websiteFromDuo(field(p, 'INTERNETADRES')) }),
      location: { type: 'Point', coordinates: geometry.coordinates },
      precision: 'exact',
      address: {
        street: field(p, 'STRAATNAAM'),
        houseNumber: field(p, 'HUISNUMMER-TOEVOEGING'),
        postcode: field(p, 'POSTCODE'),
        city: city || undefined,
      },
      status: 'published',
      source,
      sourceId,
      isSample: false,
    };
    const parsed = AssetImportSchema.safeParse(input);
    if (!parsed.success) {
      const why = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      console.warn(`${source} feature ${index + 1} (${name}): skipped, ${why}`);
      return [];
    }
    return [parsed.data];
  });
}
