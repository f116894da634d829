import { type AssetCreate, type AssetImport, AssetImportSchema } from '@kwartier/shared';

/**
 * Sample initiatives, peer-support groups, contact points, meeting places, businesses and
 * talents, so that every kind, social-capital type and inclusion feature shows on the demo map.
 * They are invented: their provenance says so (source "kwartier-sample", isSample true), and
 * their names are made up so that nobody mistakes them for real organisations.
 */
export const SAMPLE_SOURCE = 'kwartier-sample';

type Sample = Omit<AssetCreate, 'consent' | 'shareContactWithProfessionals' | 'precision' | 'description' | 'socialCapital' | 'inclusionFeatures' | 'targetGroups' | 'languages' | 'characteristics' | 'schedule' | 'contact' | 'asks' | 'offers' | 'address'> &
  Partial<Omit<AssetCreate, 'consent'>> & { id: string };

const at = (lon: number, lat: number) => ({ type: 'Point' as const, coordinates: [lon, lat] as [number, number] });

const SAMPLES: Sample[] = [
  // Leiden
  {
    id: 'leiden-lotgenoten-herstel',
    kind: 'initiative', category: 'lotgenotengroep', name: 'Lotgenotengroep Samen Sterker',
    description: 'Een groep voor mensen met psychische kwetsbaarheid, begeleid door ervaringsdeskundigen. Je mag gewoon binnenlopen.',
    socialCapital: ['bonding'], inclusionFeatures: ['peer_experts', 'low_stimulus', 'free_or_low_cost', 'no_registration'],
    targetGroups: ['psychiatric', 'lonely'], characteristics: ['open_attitude', 'in_view'], languages: ['nl'],
    schedule: { alwaysOpen: false, openingHours: [], meetings: [{ weekday: 'tu', starts: '14:00', ends: '16:00', recurrence: 'monthly', weeksOfMonth: [2] }] },
    location: at(4.4921, 52.1612), address: { street: 'Haarlemmerstraat', city: 'Leiden' },
    asks: [{ type: 'volunteers', description: 'Iemand die koffie zet en gasten verwelkomt', skills: ['gastvrijheid'] }],
  },
  {
    id: 'leiden-buurthuis-noord',
    kind: 'facility', category: 'buurthuis', name: 'Buurthuis De Kastanje',
    description: 'Buurthuis met een open inloop, een kledingbank en activiteiten voor alle leeftijden.',
    socialCapital: ['bridging', 'bonding'], inclusionFeatures: ['wheelchair_access', 'hospitality_trained_staff', 'free_or_low_cost'],
    targetGroups: ['everyone', 'older_people', 'newcomers'], characteristics: ['open_attitude', 'resources'], languages: ['nl', 'en', 'ar'],
    schedule: { alwaysOpen: false, openingHours: [{ days: ['mo', 'tu', 'we', 'th', 'fr'], opens: '09:00', closes: '17:00' }], meetings: [] },
    contact: { phone: '071 000 0001', website: 'https://voorbeeld.kwartier.nl/de-kastanje' },
    location: at(4.4857, 52.1702), address: { street: 'Kastanjelaan', houseNumber: '1', city: 'Leiden' },
    offers: [{ type: 'place', description: 'Een zaal voor bewonersinitiatieven, gratis op dinsdagavond' }],
  },
  {
    id: 'leiden-wijkteam',
    kind: 'contact_point', category: 'wijkteam', name: 'Wijkteam Leiden-Noord (voorbeeld)',
    description: 'Voor vragen over zorg, geld, wonen en meedoen. Zonder afspraak op het spreekuur.',
    socialCapital: ['linking'], inclusionFeatures: ['no_registration', 'easy_language', 'wheelchair_access'],
    targetGroups: ['everyone', 'multiple_problems', 'intellectual_disability'], characteristics: ['in_view', 'safety'], languages: ['nl', 'en', 'tr'],
    schedule: { alwaysOpen: false, openingHours: [{ days: ['mo', 'we', 'fr'], opens: '09:30', closes: '12:00' }], meetings: [] },
    contact: { phone: '071 000 0002' },
    location: at(4.4880, 52.1690), address: { street: 'Kooilaan', city: 'Leiden' },
  },
  {
    id: 'leiden-repaircafe',
    kind: 'initiative', category: 'repair_cafe', name: 'Repair Café Zijlpoort',
    description: 'Samen spullen repareren. Vrijwilligers met en zonder beperking werken hier naast elkaar.',
    socialCapital: ['bridging'], inclusionFeatures: ['free_or_low_cost', 'no_registration'],
    targetGroups: ['everyone'], characteristics: ['meaningful', 'open_attitude'],
    schedule: { alwaysOpen: false, openingHours: [], meetings: [{ weekday: 'sa', starts: '10:00', ends: '13:00', recurrence: 'monthly', weeksOfMonth: [-1] }] },
    location: at(4.4960, 52.1650),
    asks: [
      { type: 'skill', description: 'Mensen die kunnen solderen of naaien', skills: ['klussen', 'naaien'] },
      { type: 'volunteers', description: 'Fietsenmakers voor de fietsentafel', skills: ['fietsen_repareren'] },
    ],
    offers: [{ type: 'volunteers', description: 'Vrijwilligersplekken, ook voor wie een rustige taak zoekt' }],
  },
  {
    id: 'leiden-talent-klussen',
    kind: 'talent', category: 'klussen', name: 'Kleine klussen in huis',
    description: 'Ik hang schilderijen op, maak een kraan en zet een kast in elkaar. Graag voor buren die het zelf niet kunnen.',
    precision: 'street', socialCapital: ['bonding'], characteristics: ['meaningful'],
    location: at(4.4780, 52.1555), address: { street: 'Haagweg', houseNumber: '10', postcode: '2321AA', city: 'Leiden' },
    contact: { email: 'bewoner@voorbeeld.kwartier.nl', phone: '06 0000 0001' },
    skills: ['klussen', 'fietsen_repareren'], availability: [{ day: 'sa', parts: ['morning'] }, { day: 'we', parts: ['afternoon'] }],
  },
  {
    id: 'leiden-crisisdienst',
    kind: 'contact_point', category: 'crisisdienst', name: 'Crisislijn Holland Rijnland (voorbeeld)',
    description: 'Dag en nacht bereikbaar bij acute psychische nood.',
    socialCapital: ['linking'], inclusionFeatures: ['no_registration', 'hospitality_trained_staff'],
    targetGroups: ['psychiatric', 'multiple_problems'], characteristics: ['safety'],
    schedule: { alwaysOpen: true, openingHours: [], meetings: [] }, contact: { phone: '071 000 0003' },
    location: at(4.4790, 52.1660),
  },
  {
    id: 'leiden-moestuin',
    kind: 'public_space', category: 'park', name: 'Buurttuin Het Zonnetje',
    description: 'Een tuin waar buren samen groente kweken. Iedereen mag meedoen, ook wie alleen komt kijken.',
    socialCapital: ['bridging', 'bonding'], inclusionFeatures: ['free_or_low_cost', 'low_stimulus'],
    targetGroups: ['everyone', 'lonely'], characteristics: ['open_attitude', 'meaningful'],
    location: at(4.5020, 52.1580),
  },
  // Amersfoort
  {
    id: 'amersfoort-inloop',
    kind: 'contact_point', category: 'inloop', name: 'Inloophuis De Open Deur',
    description: 'Een huiskamer voor iedereen die even niet alleen wil zijn. Koffie, een praatje, een luisterend oor.',
    socialCapital: ['bonding', 'bridging'], inclusionFeatures: ['no_registration', 'free_or_low_cost', 'peer_experts', 'low_stimulus'],
    targetGroups: ['homeless', 'psychiatric', 'lonely', 'addiction'], characteristics: ['in_view', 'open_attitude'],
    schedule: { alwaysOpen: false, openingHours: [{ days: ['mo', 'tu', 'we', 'th', 'fr', 'sa'], opens: '10:00', closes: '16:00' }], meetings: [] },
    location: at(5.3880, 52.1575), address: { street: 'Langestraat', city: 'Amersfoort' },
  },
  {
    id: 'amersfoort-taalcafe',
    kind: 'initiative', category: 'taalcafe', name: 'Taalcafé Samen Praten',
    description: 'Oefen Nederlands in een ontspannen sfeer. Elke week op donderdagavond.',
    socialCapital: ['bridging'], inclusionFeatures: ['easy_language', 'free_or_low_cost', 'no_registration'],
    targetGroups: ['newcomers'], characteristics: ['open_attitude'], languages: ['nl', 'en', 'ar', 'ti'],
    schedule: { alwaysOpen: false, openingHours: [], meetings: [{ weekday: 'th', starts: '19:00', ends: '21:00', recurrence: 'weekly' }] },
    location: at(5.3960, 52.1540), asks: [{ type: 'volunteers', description: 'Taalmaatjes voor een uur per week', skills: ['taal'] }],
  },
  {
    id: 'amersfoort-buurtrestaurant',
    kind: 'initiative', category: 'buurtrestaurant', name: 'Buurtrestaurant De Lange Tafel',
    description: 'Samen eten voor een klein bedrag. Koks en bediening zijn buurtbewoners.',
    socialCapital: ['bridging', 'bonding'], inclusionFeatures: ['free_or_low_cost', 'wheelchair_access', 'hospitality_trained_staff'],
    targetGroups: ['older_people', 'lonely', 'everyone'], characteristics: ['meaningful', 'open_attitude'],
    schedule: { alwaysOpen: false, openingHours: [], meetings: [{ weekday: 'we', starts: '17:30', ends: '19:30', recurrence: 'biweekly', anchorDate: '2026-01-07' }], note: 'Om de week op woensdag' },
    location: at(5.4120, 52.1750), asks: [{ type: 'volunteers', description: 'Koks en afwassers', skills: ['koken'] }],
  },
  {
    id: 'amersfoort-sociale-onderneming',
    kind: 'business', category: 'sociale_onderneming', name: 'Fietsenmakerij Op Weg',
    description: 'Fietsenmaker die werkplekken biedt aan mensen met afstand tot de arbeidsmarkt.',
    socialCapital: ['linking', 'bridging'], inclusionFeatures: ['hospitality_trained_staff', 'easy_language'],
    targetGroups: ['intellectual_disability', 'psychiatric'], characteristics: ['meaningful'],
    schedule: { alwaysOpen: false, openingHours: [{ days: ['tu', 'we', 'th', 'fr'], opens: '08:30', closes: '17:30' }, { days: ['sa'], opens: '09:00', closes: '16:00' }], meetings: [] },
    contact: { website: 'https://voorbeeld.kwartier.nl/op-weg', phone: '033 000 0001' },
    location: at(5.3800, 52.1500), address: { street: 'Stationsstraat', houseNumber: '5', city: 'Amersfoort' },
    offers: [{ type: 'work_placement', description: 'Leerwerkplekken in de werkplaats' }],
  },
  {
    id: 'amersfoort-sportclub',
    kind: 'association', category: 'sportvereniging', name: 'Wandelclub Stap voor Stap',
    description: 'Rustig wandelen in een kleine groep, op je eigen tempo.',
    socialCapital: ['bonding'], inclusionFeatures: ['low_stimulus', 'free_or_low_cost'],
    targetGroups: ['psychiatric', 'older_people', 'physical_disability'], characteristics: ['open_attitude'],
    schedule: { alwaysOpen: false, openingHours: [], meetings: [{ weekday: 'mo', starts: '10:00', ends: '11:30', recurrence: 'weekly' }] },
    location: at(5.3700, 52.1620),
    asks: [{ type: 'company', description: 'Iemand die meeloopt met wie niet alleen durft te komen' }],
  },
  {
    id: 'amersfoort-talent-gezelschap',
    kind: 'talent', category: 'gezelschap', name: 'Een kopje koffie en een luisterend oor',
    description: 'Ik ben gepensioneerd en kom graag langs voor een praatje of een wandeling.',
    precision: 'buurt', socialCapital: ['bonding'], targetGroups: ['older_people', 'lonely'], characteristics: ['meaningful'],
    location: at(5.4050, 52.1680), contact: { email: 'koffie@voorbeeld.kwartier.nl' },
    skills: ['gezelschap', 'gastvrijheid'], availability: [{ day: 'mo', parts: ['morning', 'afternoon'] }, { day: 'th', parts: ['evening'] }],
  },
  {
    id: 'amersfoort-meldpunt',
    kind: 'contact_point', category: 'meldpunt', name: 'Meldpunt Zorg en Overlast (voorbeeld)',
    description: 'Zorgen over een buurtbewoner? Meld het hier; een professional neemt contact op.',
    socialCapital: ['linking'], inclusionFeatures: ['easy_language'], targetGroups: ['everyone'], characteristics: ['safety', 'in_view'],
    schedule: { alwaysOpen: false, openingHours: [{ days: ['mo', 'tu', 'we', 'th', 'fr'], opens: '08:30', closes: '17:00' }], meetings: [] },
    contact: { phone: '033 000 0002' }, location: at(5.3870, 52.1560),
  },
  {
    id: 'amersfoort-speeltuin',
    kind: 'public_space', category: 'speeltuin', name: 'Speeltuin De Wielewaal',
    description: 'Speeltuin met een bankje waar ouders en opa\u2019s en oma\u2019s elkaar ontmoeten.',
    socialCapital: ['bridging'], inclusionFeatures: ['wheelchair_access', 'free_or_low_cost'],
    targetGroups: ['youth', 'everyone'], characteristics: ['open_attitude', 'safety'],
    location: at(5.4200, 52.1610),
  },
  // Doetinchem
  {
    id: 'doetinchem-herstelacademie',
    kind: 'initiative', category: 'herstelacademie', name: 'Herstelacademie De Achterhoek (voorbeeld)',
    description: 'Cursussen over herstel, gegeven door en voor ervaringsdeskundigen.',
    socialCapital: ['bonding', 'linking'], inclusionFeatures: ['peer_experts', 'low_stimulus', 'easy_language', 'free_or_low_cost'],
    targetGroups: ['psychiatric', 'addiction'], characteristics: ['in_view', 'meaningful'],
    schedule: { alwaysOpen: false, openingHours: [], meetings: [{ weekday: 'th', starts: '13:30', ends: '15:30', recurrence: 'weekly' }] },
    location: at(6.2960, 51.9660), address: { street: 'Grutstraat', city: 'Doetinchem' },
  },
  {
    id: 'doetinchem-bibliotheek',
    kind: 'facility', category: 'bibliotheek', name: 'Bibliotheekpunt De Huet (voorbeeld)',
    description: 'Boeken lenen, hulp bij de computer en het Digitaal Spreekuur.',
    socialCapital: ['bridging', 'linking'], inclusionFeatures: ['wheelchair_access', 'easy_language', 'free_or_low_cost', 'no_registration'],
    targetGroups: ['everyone', 'older_people', 'newcomers'], characteristics: ['resources', 'in_view'],
    schedule: { alwaysOpen: false, openingHours: [{ days: ['tu', 'th'], opens: '13:00', closes: '17:00' }, { days: ['sa'], opens: '10:00', closes: '13:00' }], meetings: [] },
    location: at(6.2800, 51.9560),
    asks: [{ type: 'volunteers', description: 'Vrijwilligers voor het Digitaal Spreekuur', skills: ['computer', 'administratie'] }],
  },
  {
    id: 'doetinchem-buurtcirkel',
    kind: 'initiative', category: 'buurtcirkel', name: 'Buurtcirkel De Schöppe',
    description: 'Een kleine groep buren die elkaar helpt, met een vrijwillige ondersteuner.',
    socialCapital: ['bonding'], inclusionFeatures: ['peer_experts', 'hospitality_trained_staff'],
    targetGroups: ['intellectual_disability', 'lonely'], characteristics: ['open_attitude', 'meaningful'],
    schedule: { alwaysOpen: false, openingHours: [], meetings: [{ weekday: 'mo', starts: '19:00', ends: '21:00', recurrence: 'monthly', weeksOfMonth: [1, 3] }] },
    location: at(6.3050, 51.9720),
  },
  {
    id: 'doetinchem-horeca',
    kind: 'business', category: 'horeca', name: 'Lunchroom Het Goede Doel',
    description: 'Lunchroom waar mensen met een beperking in de bediening werken.',
    socialCapital: ['bridging'], inclusionFeatures: ['wheelchair_access', 'hospitality_trained_staff'],
    targetGroups: ['intellectual_disability', 'everyone'], characteristics: ['meaningful', 'open_attitude'],
    schedule: { alwaysOpen: false, openingHours: [{ days: ['tu', 'we', 'th', 'fr', 'sa'], opens: '10:00', closes: '16:00' }], meetings: [] },
    location: at(6.2930, 51.9645), offers: [{ type: 'work_placement', description: 'Stageplekken in de keuken en de bediening' }],
  },
  {
    id: 'doetinchem-wijkagent',
    kind: 'contact_point', category: 'wijkagent', name: 'Spreekuur wijkagent (voorbeeld)',
    description: 'De wijkagent houdt spreekuur in het buurthuis.',
    socialCapital: ['linking'], inclusionFeatures: ['no_registration'], targetGroups: ['everyone'], characteristics: ['safety'],
    schedule: { alwaysOpen: false, openingHours: [], meetings: [{ weekday: 'we', starts: '10:00', ends: '11:00', recurrence: 'weekly' }] },
    location: at(6.3100, 51.9600),
  },
  {
    id: 'doetinchem-migranten',
    kind: 'association', category: 'migrantenorganisatie', name: 'Vrouwenvereniging Samen (voorbeeld)',
    description: 'Ontmoeting en steun voor vrouwen die nieuw zijn in Nederland.',
    socialCapital: ['bonding', 'linking'], inclusionFeatures: ['easy_language', 'free_or_low_cost'],
    targetGroups: ['newcomers'], characteristics: ['open_attitude', 'in_view'], languages: ['nl', 'ar', 'tr', 'uk'],
    schedule: { alwaysOpen: false, openingHours: [], meetings: [{ weekday: 'fr', starts: '13:00', ends: '15:00', recurrence: 'weekly' }] },
    location: at(6.2880, 51.9700),
  },
  {
    id: 'doetinchem-talent-taal',
    kind: 'talent', category: 'taal_en_les', name: 'Hulp bij Nederlands en huiswerk',
    description: 'Oud-docent helpt met taal, brieven en huiswerk.',
    precision: 'street', socialCapital: ['bridging'], targetGroups: ['newcomers', 'youth'], characteristics: ['meaningful'],
    location: at(6.3000, 51.9680), address: { street: 'Terborgseweg', houseNumber: '12', city: 'Doetinchem' },
    skills: ['taal', 'administratie'], availability: [{ day: 'tu', parts: ['afternoon'] }, { day: 'th', parts: ['afternoon'] }],
  },
  {
    id: 'doetinchem-plein',
    kind: 'public_space', category: 'plein', name: 'Ontmoetingsplein Simonsplein',
    description: 'Plein met bankjes, een jeu-de-boulesbaan en wekelijks een markt.',
    socialCapital: ['bridging'], inclusionFeatures: ['wheelchair_access', 'free_or_low_cost'],
    targetGroups: ['everyone'], characteristics: ['open_attitude', 'safety'],
    location: at(6.2965, 51.9655),
  },
];

export function sampleAssets(): AssetImport[] {
  return SAMPLES.map(({ id, ...sample }) =>
    AssetImportSchema.parse({ ...sample, status: 'published', source: SAMPLE_SOURCE, sourceId: id, isSample: true }),
  );
}
