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
  buurt_code: ColumnType<string | null, never, never>;
  wijk_code: ColumnType<string | null, never, never>;
  gemeente_code: ColumnType<string | null, never, never>;
  status: Generated<string>;
  source: string;
  source_id: string | null;
  is_sample: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DB {
  areas: AreasTable;
  assets: AssetsTable;
}

export type AreaRow = Selectable<AreasTable>;
export type NewAreaRow = Insertable<AreasTable>;
export type AssetRow = Selectable<AssetsTable>;
export type NewAssetRow = Insertable<AssetsTable>;
export type AssetRowUpdate = Updateable<AssetsTable>;
