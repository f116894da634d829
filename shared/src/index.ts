import './messages.ts';
export * from './taxonomy.ts';
export * from './schedule.ts';
export * from './geo.ts';
export * from './area.ts';
export * from './asset.ts';
export * from './errors.ts';
export * from './area-codes.ts';
export * from './tiles.ts';
