import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The database as Kysely sees it. Geometry columns are read and written through the helpers
 * in spatial.ts, never as raw values, so they are typed as opaque strings (hex EWKB).
 */
type Geometry = ColumnType<string, string, string>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface AreasTable {
  code: string;
  year: number;
  level: 'gemeente' | 'wijk' | 'buurt';
  name: string;
  parent_code: string | null;
  gemeente_code: string;
  inhabitants: number | null;
  households: number | null;
  land_area_ha: number | null;
  key_figures: Json<Record<string, number | null>>;
  geom: Geometry;
  label_point: Geometry;
  source: string;
  imported_at: Generated<Date>;
}

export interface AssetsTable {
  id: Generated<string>;
  kind: string;
  category: string;
  name: string;
  description: Generated<string>;
  social_capital: Generated<string[]>;
  inclusion_features: Generated<string[]>;
  target_groups: Generated<string[]>;
  languages: Generated<string[]>;
  characteristics: Generated<string[]>;
  schedule: Json<unknown>;
  contact: Json<unknown>;
  asks: Json<unknown>;
  offers: Json<unknown>;
  address: Json<unknown>;
  geom: Geometry;
  precision: Generated<string>;
  /** Set by the assets_derive_location trigger; never written by the app. */
  public_geom: ColumnType<string, never, never>;
  /** public_geom in Web Mercator (EPSG:3857), for tiles; PostgreSQL keeps it (a generated column). */
  public_merc: ColumnType<string, never, never>;
  buurt_code: ColumnType<string | null, never, never>;
  wijk_code: ColumnType<string | null, never, never>;
  gemeente_code: ColumnType<string | null, never, never>;
  status: Generated<string>;
  source: string;
  source_id: string | null;
  is_sample: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
  owner_id: string | null;
  share_contact_with_professionals: Generated<boolean>;
  moderation_message: string | null;
  /** The fingerprint of what the source last said about this asset (imports). */
  source_hash: string | null;
  /** Matching: a talent's skills, availability and the inclusion features its person needs. */
  skills: Generated<string[]>;
  availability: ColumnType<unknown, string | undefined, string>;
  needs_inclusion: Generated<string[]>;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  password_hash: string;
  roles: Generated<string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_login_at: Date | null;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Date;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Date;
  used_at: Date | null;
}

export interface AssetVersionsTable {
  asset_id: string;
  version: number;
  action: string;
  actor_id: string | null;
  changes: Json<Record<string, { from: unknown; to: unknown }>>;
  message: string | null;
  created_at: Timestamp;
}

export interface AssetReportsTable {
  id: Generated<string>;
  asset_id: string;
  reporter_id: string | null;
  reporter_key: string;
  network_key: string;
  reason: string;
  message: string | null;
  created_at: Timestamp;
  resolved_at: Date | null;
}

export interface ContactRequestsTable {
  id: Generated<string>;
  asset_id: string;
  requester_id: string;
  message: string;
  status: Generated<string>;
  created_at: Timestamp;
  decided_at: Date | null;
}

export interface ConsentsTable {
  id: Generated<number>;
  user_id: string;
  purpose: string;
  wording_version: string;
  subject_id: string | null;
  given_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  actor_id: string | null;
  target_type: string | null;
  target_id: string | null;
  details: Json<Record<string, unknown>>;
}

export interface AppSecretsTable {
  name: string;
  value: string;
}

export interface AreaContextTable {
  area_code: string;
  field: string;
  value: number | null;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface AreaContextHistoryTable {
  id: Generated<number>;
  area_code: string;
  field: string;
  from_value: number | null;
  to_value: number | null;
  note: string | null;
  actor_id: string | null;
  at: Timestamp;
}

export interface SettingsTable {
  key: string;
  value: Json<unknown>;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface SettingsHistoryTable {
  id: Generated<number>;
  key: string;
  value: Json<unknown>;
  actor_id: string | null;
  at: Timestamp;
}

export interface AgendaItemsTable {
  id: Generated<string>;
  area_code: string;
  title: string;
  description: Generated<string>;
  characteristics: Generated<string[]>;
  indicator: string | null;
  gap: ColumnType<unknown, string | null, string | null>;
  asset_ids: Generated<string[]>;
  owner_organisation: Generated<string>;
  status: Generated<string>;
  due_date: ColumnType<string | null, string | null, string | null>;
  created_by: string | null;
  updated_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ImportMappingsTable {
  name: string;
  mapping: Json<unknown>;
  updated_by: string | null;
  updated_at: Generated<Date>;
}

export interface ImportRunsTable {
  id: Generated<string>;
  mapping: string;
  source: string;
  file_name: string | null;
  status: Generated<'running' | 'committed' | 'failed'>;
  rows: Generated<number>;
  counts: Json<unknown> | null;
  archived: Generated<number>;
  report: Json<unknown> | null;
  error: string | null;
  actor_id: string | null;
  started_at: Generated<Date>;
  finished_at: Date | null;
}

export interface AnnouncementsTable {
  id: Generated<string>;
  area_code: string;
  title: string;
  body: string;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  publish_contact: Generated<boolean>;
  contact_published_at: Date | null;
  status: Generated<string>;
  created_by: string | null;
  updated_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  withdrawn_at: Date | null;
}

export interface AreaFollowsTable {
  user_id: string;
  area_code: string;
  created_at: Timestamp;
}

export interface DigestStateTable {
  user_id: string;
  last_week: string;
  covered_until: Date;
  sent_at: Timestamp;
}

export interface MatchesTable {
  id: Generated<string>;
  talent_id: string | null;
  client_label: string | null;
  client_skills: Generated<string[]>;
  talent_contact_id: string | null;
  asset_id: string;
  ask_index: number;
  ask: Json<unknown>;
  ask_contact_id: string | null;
  proposed_by: string | null;
  proposed_as: 'talent' | 'ask' | 'professional';
  proposed_via: 'talent' | 'candidate' | 'client';
  message: string | null;
  status: Generated<'proposed' | 'agreed' | 'declined' | 'withdrawn'>;
  talent_answer: Generated<'pending' | 'accepted' | 'declined'>;
  ask_answer: Generated<'pending' | 'accepted' | 'declined'>;
  distance_band: string;
  score: number;
  reasons: Json<unknown>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MatchVersionsTable {
  match_id: string;
  version: number;
  action: 'proposed' | 'accepted' | 'declined' | 'withdrawn';
  side: 'talent' | 'ask' | 'proposer';
  actor_id: string | null;
  changes: Json<Record<string, { from: unknown; to: unknown }>>;
  created_at: Timestamp;
}

export interface MatchConsentsTable {
  id: Generated<number>;
  match_id: string;
  purpose: 'matchContact' | 'clientMatch';
  side: 'talent' | 'ask';
  user_id: string;
  on_behalf_of_client: Generated<boolean>;
  wording_version: string;
  given_at: Timestamp;
}

export interface ReachCacheTable {
  unit_code: string;
  year: number;
  target: string;
  meters: number;
  covered: number;
  computed_at: Generated<Date>;
}

export interface ReachDirtyTable {
  gemeente_code: string;
  version: Generated<string>;
  /** What changed near the gemeente: "kind/category" pairs, or "*" for anything. */
  touched: Generated<string[]>;
}

export interface AreaAssetCountsTable {
  area_code: string;
  dimension: string;
  value: string;
  count: ColumnType<string, string | number, string | number>;
}

export interface DB {
  matches: MatchesTable;
  match_versions: MatchVersionsTable;
  match_consents: MatchConsentsTable;
  areas: AreasTable;
  assets: AssetsTable;
  users: UsersTable;
  sessions: SessionsTable;
  password_resets: PasswordResetsTable;
  asset_versions: AssetVersionsTable;
  asset_reports: AssetReportsTable;
  contact_requests: ContactRequestsTable;
  consents: ConsentsTable;
  audit_log: AuditLogTable;
  app_secrets: AppSecretsTable;
  area_context: AreaContextTable;
  area_context_history: AreaContextHistoryTable;
  settings: SettingsTable;
  settings_history: SettingsHistoryTable;
  agenda_items: AgendaItemsTable;
  import_mappings: ImportMappingsTable;
  import_runs: ImportRunsTable;
  reach_cache: ReachCacheTable;
  reach_dirty: ReachDirtyTable;
  area_asset_counts: AreaAssetCountsTable;
  announcements: AnnouncementsTable;
  area_follows: AreaFollowsTable;
  digest_state: DigestStateTable;
}

export type AreaRow = Selectable<AreasTable>;
export type NewAreaRow = Insertable<AreasTable>;
export type AssetRow = Selectable<AssetsTable>;
export type NewAssetRow = Insertable<AssetsTable>;
export type AssetRowUpdate = Updateable<AssetsTable>;
export type UserRow = Selectable<UsersTable>;

// Shared state of several processes (migration 20261201100000_shared_state.ts). Declared as
// additions to the interfaces above (TypeScript merges them), so this file only grows at its end.

export interface RateLimitCountsTable {
  /** A keyed hash of the limit's name, the route and who is counted (see plugins/rate-limit.ts). */
  key: string;
  count: number;
  window_ends_at: Date;
}

export interface ImportRunsTable {
  /** Rows written of `progress_total`, while the run is running; null before the writing starts. */
  progress_done: number | null;
  progress_total: number | null;
}

export interface ReachDirtyTable {
  /** A process computes this gemeente until then; null when none does. */
  refreshing_until: Date | null;
}

export interface DB {
  rate_limit_counts: RateLimitCountsTable;
}

// The erasure journal (migration 20261202090000_account_erasures.ts): see
// modules/accounts/erasure-journal.ts.

export interface AccountErasuresTable {
  /** SHA-256 of the erased account's id, hex (erasureFingerprint). */
  account_hash: string;
  erased_at: Generated<Date>;
}

export interface DB {
  account_erasures: AccountErasuresTable;
}
