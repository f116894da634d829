/**
 * Kwartier's taxonomy: the vocabulary every asset is described with. It is data, not strings
 * scattered through code, so that the web app, the API, the exports and the buurtscan all
 * speak of the same things, in Dutch first and English second.
 */

export type Label = { nl: string; en: string };

type Term<Code extends string> = { code: Code; label: Label; description?: Label };

function codesOf<const T extends readonly { code: string }[]>(terms: T): [T[number]['code'], ...T[number]['code'][]] {
  return terms.map((term) => term.code) as [T[number]['code'], ...T[number]['code'][]];
}

export const ASSET_KINDS = [
  { code: 'facility', label: { nl: 'Voorziening', en: 'Facility' },
    description: { nl: 'Buurthuis, bibliotheek, huisarts, school, gebedshuis', en: 'Community centre, library, GP, school, place of worship' } },
  { code: 'association', label: { nl: 'Vereniging', en: 'Association' },
    description: { nl: 'Vereniging of club', en: 'Association or club' } },
  { code: 'initiative', label: { nl: 'Bewonersinitiatief', en: "Residents' initiative" },
    description: { nl: 'Lotgenotengroep, buurtcirkel, buurtrestaurant', en: 'Peer-support group, neighbourhood circle, community restaurant' } },
  { code: 'talent', label: { nl: 'Talent', en: 'Talent' },
    description: { nl: 'Wat een bewoner kan geven', en: 'What a resident can give' } },
  { code: 'business', label: { nl: 'Ondernemer', en: 'Local business' },
    description: { nl: 'Werkgever of winkel die werk of een plek biedt', en: 'Employer or shop that offers work or a place' } },
  { code: 'contact_point', label: { nl: 'Aanspreekpunt', en: 'Contact point' },
    description: { nl: 'Meldpunt, wijkteam, wijkagent, inloop', en: 'Reporting point, neighbourhood team, community officer, walk-in' } },
  { code: 'public_space', label: { nl: 'Ontmoetingsplek buiten', en: 'Public space' },
    description: { nl: 'Plein, tuin of speeltuin waar mensen elkaar ontmoeten', en: 'Square, garden or playground where people meet' } },
] as const satisfies readonly Term<string>[];

export const ASSET_KIND_CODES = codesOf(ASSET_KINDS);
export type AssetKind = (typeof ASSET_KIND_CODES)[number];

/** A category belongs to one kind; the kind decides where it shows up in forms and filters. */
type Category = Term<string> & { kind: AssetKind };

export const CATEGORIES = [
  // facility
  { code: 'buurthuis', kind: 'facility', label: { nl: 'Buurthuis', en: 'Community centre' } },
  { code: 'bibliotheek', kind: 'facility', label: { nl: 'Bibliotheek', en: 'Library' } },
  { code: 'huisarts', kind: 'facility', label: { nl: 'Huisarts', en: 'General practitioner' } },
  { code: 'school', kind: 'facility', label: { nl: 'School', en: 'School' } },
  { code: 'gebedshuis', kind: 'facility', label: { nl: 'Gebedshuis', en: 'Place of worship' } },
  { code: 'zorginstelling', kind: 'facility', label: { nl: 'Zorginstelling', en: 'Care facility' } },
  { code: 'sporthal', kind: 'facility', label: { nl: 'Sportaccommodatie', en: 'Sports facility' } },
  { code: 'dagbesteding', kind: 'facility', label: { nl: 'Dagbesteding', en: 'Day activities centre' } },
  { code: 'voedselbank', kind: 'facility', label: { nl: 'Voedselbank', en: 'Food bank' } },
  // association
  { code: 'sportvereniging', kind: 'association', label: { nl: 'Sportvereniging', en: 'Sports club' } },
  { code: 'muziekvereniging', kind: 'association', label: { nl: 'Muziek- of zangvereniging', en: 'Music or choir club' } },
  { code: 'hobbyclub', kind: 'association', label: { nl: 'Hobbyclub', en: 'Hobby club' } },
  { code: 'ouderenvereniging', kind: 'association', label: { nl: 'Ouderenvereniging', en: "Older people's association" } },
  { code: 'migrantenorganisatie', kind: 'association', label: { nl: 'Migrantenorganisatie', en: 'Migrant organisation' } },
  // initiative
  { code: 'lotgenotengroep', kind: 'initiative', label: { nl: 'Lotgenotengroep', en: 'Peer-support group' } },
  { code: 'buurtcirkel', kind: 'initiative', label: { nl: 'Buurtcirkel', en: 'Neighbourhood circle' } },
  { code: 'buurtrestaurant', kind: 'initiative', label: { nl: 'Buurtrestaurant', en: 'Community restaurant' } },
  { code: 'repair_cafe', kind: 'initiative', label: { nl: 'Repair café', en: 'Repair café' } },
  { code: 'taalcafe', kind: 'initiative', label: { nl: 'Taalcafé', en: 'Language café' } },
  { code: 'moestuin', kind: 'initiative', label: { nl: 'Moestuin', en: 'Community vegetable garden' } },
  { code: 'herstelacademie', kind: 'initiative', label: { nl: 'Herstelacademie', en: 'Recovery college' } },
  { code: 'buurtsportclub', kind: 'initiative', label: { nl: 'Buurtsport', en: 'Neighbourhood sports' } },
  // talent
  { code: 'klussen', kind: 'talent', label: { nl: 'Klussen', en: 'Odd jobs and repairs' } },
  { code: 'gezelschap', kind: 'talent', label: { nl: 'Gezelschap en een luisterend oor', en: 'Company and a listening ear' } },
  { code: 'koken', kind: 'talent', label: { nl: 'Koken', en: 'Cooking' } },
  { code: 'taal_en_les', kind: 'talent', label: { nl: 'Taal en bijles', en: 'Language and tutoring' } },
  { code: 'vervoer', kind: 'talent', label: { nl: 'Vervoer', en: 'Transport' } },
  { code: 'creatief', kind: 'talent', label: { nl: 'Creatief en muziek', en: 'Arts, crafts and music' } },
  { code: 'administratie', kind: 'talent', label: { nl: 'Administratie en formulieren', en: 'Paperwork and forms' } },
  // business
  { code: 'winkel', kind: 'business', label: { nl: 'Winkel', en: 'Shop' } },
  { code: 'horeca', kind: 'business', label: { nl: 'Horeca', en: 'Café or restaurant' } },
  { code: 'sociale_onderneming', kind: 'business', label: { nl: 'Sociale onderneming', en: 'Social enterprise' } },
  { code: 'leerwerkplek', kind: 'business', label: { nl: 'Leerwerkbedrijf', en: 'Work-placement employer' } },
  // contact_point
  { code: 'wijkteam', kind: 'contact_point', label: { nl: 'Wijkteam', en: 'Neighbourhood team' } },
  { code: 'inloop', kind: 'contact_point', label: { nl: 'Inloop', en: 'Walk-in' } },
  { code: 'meldpunt', kind: 'contact_point', label: { nl: 'Meldpunt', en: 'Reporting point' } },
  { code: 'wijkagent', kind: 'contact_point', label: { nl: 'Wijkagent', en: 'Community police officer' } },
  { code: 'sociaal_raadslid', kind: 'contact_point', label: { nl: 'Sociaal raadslieden', en: 'Social legal advice' } },
  { code: 'crisisdienst', kind: 'contact_point', label: { nl: '24/7 crisisdienst', en: '24/7 crisis service' } },
  // public_space
  { code: 'speeltuin', kind: 'public_space', label: { nl: 'Speeltuin', en: 'Playground' } },
  { code: 'plein', kind: 'public_space', label: { nl: 'Plein', en: 'Square' } },
  { code: 'park', kind: 'public_space', label: { nl: 'Park of buurttuin', en: 'Park or community garden' } },
  { code: 'bankje', kind: 'public_space', label: { nl: 'Ontmoetingsbankje', en: 'Meeting bench' } },
] as const satisfies readonly Category[];

export const CATEGORY_CODES = codesOf(CATEGORIES);
export type CategoryCode = (typeof CATEGORY_CODES)[number];

export function categoryKind(code: CategoryCode): AssetKind {
  const found = CATEGORIES.find((category) => category.code === code);
  if (!found) throw new Error(`unknown category ${code}`);
  return found.kind;
}

export const SOCIAL_CAPITAL_TYPES = [
  { code: 'bonding', label: { nl: 'Binden', en: 'Bonding' },
    description: { nl: 'Banden binnen een groep die op elkaar lijkt', en: 'Ties within a group of similar people' } },
  { code: 'bridging', label: { nl: 'Overbruggen', en: 'Bridging' },
    description: { nl: 'Contact tussen verschillende groepen', en: 'Contact between different groups' } },
  { code: 'linking', label: { nl: 'Verbinden met instanties', en: 'Linking' },
    description: { nl: 'Toegang tot instanties en mensen met invloed', en: 'Access to institutions and people with power' } },
] as const satisfies readonly Term<string>[];
export const SOCIAL_CAPITAL_CODES = codesOf(SOCIAL_CAPITAL_TYPES);
export type SocialCapital = (typeof SOCIAL_CAPITAL_CODES)[number];

export const INCLUSION_FEATURES = [
  { code: 'wheelchair_access', label: { nl: 'Rolstoeltoegankelijk', en: 'Wheelchair access' } },
  { code: 'low_stimulus', label: { nl: 'Prikkelarm', en: 'Low-stimulus' } },
  { code: 'free_or_low_cost', label: { nl: 'Gratis of goedkoop', en: 'Free or low cost' } },
  { code: 'no_registration', label: { nl: 'Zonder aanmelding', en: 'No registration needed' } },
  { code: 'easy_language', label: { nl: 'Eenvoudige taal', en: 'Easy language' } },
  { code: 'peer_experts', label: { nl: 'Ervaringsdeskundigen aanwezig', en: 'Peer experts present' } },
  { code: 'hospitality_trained_staff', label: { nl: 'Gastvrij getrainde medewerkers', en: 'Hospitality-trained staff' } },
] as const satisfies readonly Term<string>[];
export const INCLUSION_FEATURE_CODES = codesOf(INCLUSION_FEATURES);
export type InclusionFeature = (typeof INCLUSION_FEATURE_CODES)[number];

export const TARGET_GROUPS = [
  { code: 'everyone', label: { nl: 'Iedereen', en: 'Everyone' } },
  { code: 'psychiatric', label: { nl: 'Mensen met psychische kwetsbaarheid', en: 'People with psychiatric problems' } },
  { code: 'intellectual_disability', label: { nl: 'Mensen met een licht verstandelijke beperking', en: 'People with a mild intellectual disability' } },
  { code: 'multiple_problems', label: { nl: 'Mensen met meervoudige problemen', en: 'People with multiple problems' } },
  { code: 'addiction', label: { nl: 'Mensen met verslaving', en: 'People with addiction' } },
  { code: 'homeless', label: { nl: 'Dak- en thuislozen', en: 'Homeless people' } },
  { code: 'older_people', label: { nl: 'Ouderen', en: 'Older people' } },
  { code: 'youth', label: { nl: 'Jongeren', en: 'Young people' } },
  { code: 'newcomers', label: { nl: 'Nieuwkomers', en: 'Newcomers' } },
  { code: 'carers', label: { nl: 'Mantelzorgers', en: 'Informal carers' } },
  { code: 'lonely', label: { nl: 'Mensen die eenzaam zijn', en: 'Lonely people' } },
  { code: 'physical_disability', label: { nl: 'Mensen met een lichamelijke beperking', en: 'People with a physical disability' } },
] as const satisfies readonly Term<string>[];
export const TARGET_GROUP_CODES = codesOf(TARGET_GROUPS);
export type TargetGroup = (typeof TARGET_GROUP_CODES)[number];

/** The five characteristics of "een buurt voor iedereen" (see DESIGN.md). */
export const CHARACTERISTICS = [
  { code: 'open_attitude', label: { nl: 'Open houding', en: 'Open attitude' },
    description: { nl: 'Contact tussen groepen, stigma tegengaan, binden en overbruggen', en: 'Contact between groups, fighting stigma, bonding and bridging' } },
  { code: 'meaningful', label: { nl: 'Van betekenis zijn', en: 'Being of meaning' },
    description: { nl: 'Vrijwilligerswerk, wederkerigheid, (betaald) werk', en: 'Volunteering, reciprocity, (paid) work' } },
  { code: 'resources', label: { nl: 'Voorzieningen', en: 'Resources' },
    description: { nl: 'Voorzieningen die meedoen en insluiten', en: 'Facilities and resources that take part and include' } },
  { code: 'in_view', label: { nl: 'In beeld', en: 'In view' },
    description: { nl: 'Netwerken, laagdrempelige toegang tot professionals', en: 'Networks, low-threshold access to professionals' } },
  { code: 'safety', label: { nl: 'Veiligheid', en: 'Safety' },
    description: { nl: 'Meldpunt, 24/7 professionals, veilige openbare ruimte, duidelijke communicatie', en: 'Reporting point, 24/7 professionals, safe public space, clear communication' } },
] as const satisfies readonly Term<string>[];
export const CHARACTERISTIC_CODES = codesOf(CHARACTERISTICS);
export type Characteristic = (typeof CHARACTERISTIC_CODES)[number];

/** What an asset asks for or offers; matching (a later issue) pairs these up. */
export const EXCHANGE_TYPES = [
  { code: 'volunteers', label: { nl: 'Vrijwilligers', en: 'Volunteers' } },
  { code: 'skill', label: { nl: 'Een vaardigheid', en: 'A skill' } },
  { code: 'place', label: { nl: 'Een plek of ruimte', en: 'A place or room' } },
  { code: 'work_placement', label: { nl: 'Werkplek of stage', en: 'Work placement' } },
  { code: 'materials', label: { nl: 'Spullen of materiaal', en: 'Goods or materials' } },
  { code: 'company', label: { nl: 'Gezelschap', en: 'Company' } },
  { code: 'other', label: { nl: 'Anders', en: 'Other' } },
] as const satisfies readonly Term<string>[];
export const EXCHANGE_TYPE_CODES = codesOf(EXCHANGE_TYPES);

export const LOCATION_PRECISIONS = [
  { code: 'exact', label: { nl: 'Precies adres', en: 'Exact address' } },
  { code: 'street', label: { nl: 'Straat (afgerond op 250 m)', en: 'Street (rounded to 250 m)' } },
  { code: 'buurt', label: { nl: 'Alleen de buurt', en: 'Only the buurt' } },
] as const satisfies readonly Term<string>[];
export const LOCATION_PRECISION_CODES = codesOf(LOCATION_PRECISIONS);
export type LocationPrecision = (typeof LOCATION_PRECISION_CODES)[number];

export const ASSET_STATUSES = [
  { code: 'draft', label: { nl: 'Concept', en: 'Draft' } },
  { code: 'pending', label: { nl: 'Wacht op controle', en: 'Pending review' } },
  { code: 'changes_requested', label: { nl: 'Aanpassing gevraagd', en: 'Changes requested' } },
  { code: 'published', label: { nl: 'Gepubliceerd', en: 'Published' } },
  /** Taken off the map after reports, until a moderator has looked. */
  { code: 'hidden', label: { nl: 'Verborgen na meldingen', en: 'Hidden after reports' } },
  { code: 'rejected', label: { nl: 'Afgewezen', en: 'Rejected' } },
  { code: 'archived', label: { nl: 'Gearchiveerd', en: 'Archived' } },
] as const satisfies readonly Term<string>[];
export const ASSET_STATUS_CODES = codesOf(ASSET_STATUSES);
export type AssetStatus = (typeof ASSET_STATUS_CODES)[number];

export const AREA_LEVELS = [
  { code: 'gemeente', label: { nl: 'Gemeente', en: 'Municipality' } },
  { code: 'wijk', label: { nl: 'Wijk', en: 'District' } },
  { code: 'buurt', label: { nl: 'Buurt', en: 'Neighbourhood' } },
] as const satisfies readonly Term<string>[];
export const AREA_LEVEL_CODES = codesOf(AREA_LEVELS);
export type AreaLevel = (typeof AREA_LEVEL_CODES)[number];

/**
 * What a person can do, as talents give it and asks ask for it: the words matching pairs up.
 * `categories` are the categories where the skill is typically given or needed; a talent's
 * category implies its skills, and an ask that names no skill borrows its asset's.
 */
type Skill = Term<string> & { categories: readonly CategoryCode[] };

export const SKILLS = [
  { code: 'koken', label: { nl: 'Koken', en: 'Cooking' }, categories: ['koken', 'buurtrestaurant', 'horeca', 'voedselbank'] },
  { code: 'gastvrijheid', label: { nl: 'Gastvrij ontvangen en koffie schenken', en: 'Welcoming guests and serving coffee' }, categories: ['buurthuis', 'inloop', 'lotgenotengroep', 'buurtrestaurant'] },
  { code: 'klussen', label: { nl: 'Klussen', en: 'Odd jobs and repairs' }, categories: ['klussen', 'repair_cafe'] },
  { code: 'fietsen_repareren', label: { nl: 'Fietsen repareren', en: 'Repairing bicycles' }, categories: ['repair_cafe'] },
  { code: 'naaien', label: { nl: 'Naaien en verstellen', en: 'Sewing and mending' }, categories: ['repair_cafe'] },
  { code: 'taal', label: { nl: 'Taal en bijles', en: 'Language and tutoring' }, categories: ['taal_en_les', 'taalcafe'] },
  { code: 'administratie', label: { nl: 'Administratie en formulieren', en: 'Paperwork and forms' }, categories: ['administratie', 'sociaal_raadslid'] },
  { code: 'computer', label: { nl: 'Computer en telefoon', en: 'Computers and phones' }, categories: ['bibliotheek'] },
  { code: 'vervoer', label: { nl: 'Vervoer en rijden', en: 'Transport and driving' }, categories: ['vervoer'] },
  { code: 'muziek', label: { nl: 'Muziek maken', en: 'Making music' }, categories: ['creatief', 'muziekvereniging'] },
  { code: 'creatief', label: { nl: 'Knutselen en creatief', en: 'Arts and crafts' }, categories: ['creatief', 'hobbyclub'] },
  { code: 'tuinieren', label: { nl: 'Tuinieren', en: 'Gardening' }, categories: ['moestuin', 'park'] },
  { code: 'gezelschap', label: { nl: 'Gezelschap en een luisterend oor', en: 'Company and a listening ear' }, categories: ['gezelschap', 'buurtcirkel', 'ouderenvereniging'] },
  { code: 'kinderen', label: { nl: 'Met kinderen en jongeren', en: 'Working with children and young people' }, categories: ['speeltuin', 'school'] },
  { code: 'sport', label: { nl: 'Sport en bewegen', en: 'Sport and exercise' }, categories: ['sportvereniging', 'buurtsportclub', 'sporthal'] },
  { code: 'organiseren', label: { nl: 'Activiteiten organiseren', en: 'Organising activities' }, categories: ['buurthuis', 'buurtcirkel'] },
  { code: 'vertalen', label: { nl: 'Tolken en vertalen', en: 'Interpreting and translating' }, categories: ['migrantenorganisatie'] },
] as const satisfies readonly Skill[];
export const SKILL_CODES = codesOf(SKILLS);
export type SkillCode = (typeof SKILL_CODES)[number];

/** The skills a category stands for: a talent's category implies them. */
export function skillsOfCategory(category: string): SkillCode[] {
  return SKILLS.filter((skill) => (skill.categories as readonly string[]).includes(category)).map((skill) => skill.code);
}

/**
 * Parts of the day, for when a person is available. Local wall-clock times, compared as
 * strings like the schedule's (an opening from 09:00 to 12:30 touches morning and afternoon).
 */
export const DAY_PARTS = [
  { code: 'morning', label: { nl: 'Ochtend', en: 'Morning' }, from: '06:00', to: '12:00' },
  { code: 'afternoon', label: { nl: 'Middag', en: 'Afternoon' }, from: '12:00', to: '18:00' },
  { code: 'evening', label: { nl: 'Avond', en: 'Evening' }, from: '18:00', to: '24:00' },
] as const satisfies readonly (Term<string> & { from: string; to: string })[];
export const DAY_PART_CODES = codesOf(DAY_PARTS);
export type DayPart = (typeof DAY_PART_CODES)[number];
