import { z } from 'zod';
import {
  AreaListSchema,
  type MODERATION_DECISIONS,
  AssetVersionSchema,
  CONSENT_TEXTS,
  ContactRequestListSchema,
  ContactRequestSchema,
  ManagedAssetPageSchema,
  ManagedAssetSchema,
  ReportReceiptSchema,
  type AssetStatus,
  type AssetUpdate,
  type ContactRequest,
  type ManagedAsset,
} from '@kwartier/shared';
import { request } from './client.ts';

/** Submitting and editing entries, their history, reports, contact requests and moderation. */

const id = (value: string) => encodeURIComponent(value);

/** The body of a new entry: what `AssetCreateSchema` takes, before its defaults are applied. */
export type AssetSubmission = Record<string, unknown>;

export const submitAsset = (body: AssetSubmission): Promise<ManagedAsset> =>
  request('/api/assets', ManagedAssetSchema, { method: 'POST', body });

export const updateAsset = (assetId: string, patch: AssetUpdate): Promise<ManagedAsset> =>
  request(`/api/assets/${id(assetId)}`, ManagedAssetSchema, { method: 'PATCH', body: patch });

export const getManagedAsset = (assetId: string, signal?: AbortSignal): Promise<ManagedAsset> =>
  request(`/api/assets/${id(assetId)}/full`, ManagedAssetSchema, { signal });

export const assetVersions = (assetId: string, signal?: AbortSignal) =>
  request(`/api/assets/${id(assetId)}/versions`, z.object({ items: z.array(AssetVersionSchema) }), { signal }).then((page) => page.items);

export const withdrawAsset = (assetId: string): Promise<ManagedAsset> =>
  request(`/api/assets/${id(assetId)}/withdraw`, ManagedAssetSchema, { method: 'POST', body: {} });

export const myAssets = (signal?: AbortSignal) => request('/api/me/assets?limit=100', ManagedAssetPageSchema, { signal });

export const reportAsset = (assetId: string, body: { reason: string; message?: string }) =>
  request(`/api/assets/${id(assetId)}/reports`, ReportReceiptSchema, { method: 'POST', body });

export const requestContact = (assetId: string, message: string): Promise<ContactRequest> =>
  request(`/api/assets/${id(assetId)}/contact-requests`, ContactRequestSchema, {
    method: 'POST',
    body: { message, consent: { version: CONSENT_TEXTS.shareContact.version } },
  });

export const myContactRequests = (signal?: AbortSignal) =>
  request('/api/me/contact-requests', ContactRequestListSchema, { signal }).then((list) => list.items);

export const decideContactRequest = (requestId: string, decision: 'accept' | 'decline' | 'withdraw'): Promise<ContactRequest> =>
  request(`/api/contact-requests/${id(requestId)}/${decision}`, ContactRequestSchema, {
    method: 'POST',
    body: decision === 'accept' ? { consent: { version: CONSENT_TEXTS.shareContact.version } } : {},
  });

// Moderation --------------------------------------------------------------------------------

/** `area`: a gemeente (or wijk or buurt) code, or '' for all. */
export type QueueFilter = { status: AssetStatus[]; kind: string; area: string; q: string; reported: boolean };

export function moderationQueue(filter: QueueFilter, signal?: AbortSignal) {
  const params = new URLSearchParams({ limit: '100' });
  // Reports can be open on a published entry that is still on the map: "reported only" looks there too.
  const statuses = filter.reported && !filter.status.includes('published') ? [...filter.status, 'published'] : filter.status;
  if (statuses.length > 0) params.set('status', statuses.join(','));
  if (filter.kind) params.set('kind', filter.kind);
  if (filter.area) params.set('area', filter.area);
  if (filter.q.trim()) params.set('q', filter.q.trim());
  if (filter.reported) params.set('reported', 'true');
  return request(`/api/moderation/queue?${params.toString().replace(/%2C/g, ',')}`, ManagedAssetPageSchema, { signal });
}

export const ReportSchema = z.object({ id: z.uuid(), reason: z.string(), message: z.string().nullable(), createdAt: z.iso.datetime() });
export type Report = z.infer<typeof ReportSchema>;

export const openReports = (assetId: string, signal?: AbortSignal) =>
  request(`/api/moderation/assets/${id(assetId)}/reports`, z.object({ items: z.array(ReportSchema) }), { signal }).then((list) => list.items);

/** A moderation decision by the path of its route ('request-changes'), as the shared table names it. */
export type ModerationDecision = (typeof MODERATION_DECISIONS)[keyof typeof MODERATION_DECISIONS]['path'];

export const moderate = (assetId: string, decision: ModerationDecision, message: string): Promise<ManagedAsset> =>
  request(`/api/moderation/assets/${id(assetId)}/${decision}`, ManagedAssetSchema, {
    method: 'POST',
    body: message.trim() ? { message: message.trim() } : {},
  });

/** The gemeenten a moderator can narrow the queue to: those of the newest year loaded. */
export const gemeenten = (signal?: AbortSignal) => request('/api/areas?level=gemeente', AreaListSchema, { signal });
