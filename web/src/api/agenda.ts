import { z } from 'zod';
import { AgendaItemSchema, AgendaItemUpdateSchema, AgendaSuggestionSchema, type AgendaItem, type AgendaItemCreate } from '@kwartier/shared';
import { request } from './client.ts';

/** The sociale wijkagenda: everyone reads it; keepers add items and take suggestions over. */
export type AgendaSuggestion = z.infer<typeof AgendaSuggestionSchema>;

export function agendaParams(area: string | null, status: string | null): URLSearchParams {
  const params = new URLSearchParams();
  if (area) params.set('area', area);
  if (status) params.set('status', status);
  return params;
}

export function listAgenda(area: string | null, status: string | null, signal?: AbortSignal): Promise<{ items: AgendaItem[] }> {
  return request(`/api/agenda?${agendaParams(area, status)}`, z.object({ items: z.array(AgendaItemSchema) }), { signal });
}

export function agendaSuggestions(gemeente: string, signal?: AbortSignal): Promise<{ items: AgendaSuggestion[] }> {
  return request(`/api/agenda/suggestions?${new URLSearchParams({ gemeente })}`, z.object({ items: z.array(AgendaSuggestionSchema) }), { signal });
}

export function createAgendaItem(item: Partial<AgendaItemCreate> & { areaCode: string; title: string }): Promise<AgendaItem> {
  return request('/api/agenda', AgendaItemSchema, { method: 'POST', body: item });
}

/** What an edit sends: only the fields that changed (the server refuses an empty change). */
export type AgendaItemPatch = z.input<typeof AgendaItemUpdateSchema>;

export function updateAgendaItem(id: string, patch: AgendaItemPatch): Promise<AgendaItem> {
  return request(`/api/agenda/${encodeURIComponent(id)}`, AgendaItemSchema, { method: 'PATCH', body: patch });
}
