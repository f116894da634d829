import { z } from 'zod';
import { ImportMappingSchema, ImportReportSchema, ImportRunSchema, type ImportMapping, type ImportMappingInput, type ImportReport, type ImportRun } from '@kwartier/shared';
import { request } from './client.ts';

/** Imports of assets through saved mappings: moderators and admins only; the server refuses everyone else. */

export const ImportRunWithReportSchema = ImportRunSchema.extend({ report: ImportReportSchema.nullable() });
export type ImportRunWithReport = z.infer<typeof ImportRunWithReportSchema>;

export function listMappings(signal?: AbortSignal): Promise<ImportMapping[]> {
  return request('/api/import-mappings', z.object({ mappings: z.array(ImportMappingSchema) }), { signal }).then((answer) => answer.mappings);
}

export function saveMapping(mapping: ImportMappingInput): Promise<ImportMapping> {
  return request(`/api/import-mappings/${encodeURIComponent(mapping.name)}`, ImportMappingSchema, { method: 'PUT', body: mapping });
}

/** The content type the server reads the file by: CSV, or GeoJSON for .geojson and .json files. */
export function fileContentType(file: File): string {
  return /\.(geo)?json$/i.test(file.name) || file.type.includes('json') ? 'application/geo+json' : 'text/csv';
}

function importUrl(mapping: string, file: File, options: { dryRun: boolean; archiveDisappeared?: boolean }): string {
  const params = new URLSearchParams({ mapping, fileName: file.name.slice(0, 200) });
  if (options.dryRun) params.set('dryRun', 'true');
  if (options.archiveDisappeared) params.set('archiveDisappeared', 'true');
  return `/api/imports?${params}`;
}

/** Checks the file against the mapping and reports what an import would do; writes nothing. */
export function dryRunImport(mapping: string, file: File, signal?: AbortSignal): Promise<ImportReport> {
  return request(importUrl(mapping, file, { dryRun: true }), ImportReportSchema, { method: 'POST', file: { bytes: file, contentType: fileContentType(file) }, signal });
}

/** Starts the import (202); a file with errors is refused whole with a 400 naming rows and fields. */
export function startImport(mapping: string, file: File, archiveDisappeared: boolean): Promise<string> {
  return request(importUrl(mapping, file, { dryRun: false, archiveDisappeared }), z.object({ id: z.uuid() }), {
    method: 'POST',
    file: { bytes: file, contentType: fileContentType(file) },
  }).then((answer) => answer.id);
}

export function getImport(id: string, signal?: AbortSignal): Promise<ImportRunWithReport> {
  return request(`/api/imports/${encodeURIComponent(id)}`, ImportRunWithReportSchema, { signal });
}

export function listImports(signal?: AbortSignal): Promise<ImportRun[]> {
  return request('/api/imports', z.object({ runs: z.array(ImportRunSchema) }), { signal }).then((answer) => answer.runs);
}
