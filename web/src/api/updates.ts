import {
  AnnouncementSchema,
  AreaUpdatesSchema,
  FollowListSchema,
  FollowSchema,
  type Announcement,
  type AnnouncementCreate,
  type AnnouncementUpdate,
  type AreaUpdates,
  type Follow,
} from '@kwartier/shared';
import { NoContentSchema, request } from './client.ts';

/** Buurt updates: what changed in an area, announcements, and the areas a person follows. */
export function areaUpdates(code: string, signal?: AbortSignal): Promise<AreaUpdates> {
  return request(`/api/areas/${encodeURIComponent(code)}/updates?limit=100`, AreaUpdatesSchema, { signal });
}

export function createAnnouncement(announcement: Partial<AnnouncementCreate> & { areaCode: string; title: string; body: string }): Promise<Announcement> {
  return request('/api/announcements', AnnouncementSchema, { method: 'POST', body: announcement });
}

export function updateAnnouncement(id: string, patch: Partial<AnnouncementUpdate>): Promise<Announcement> {
  return request(`/api/announcements/${encodeURIComponent(id)}`, AnnouncementSchema, { method: 'PATCH', body: patch });
}

export function withdrawAnnouncement(id: string): Promise<Announcement> {
  return request(`/api/announcements/${encodeURIComponent(id)}/withdraw`, AnnouncementSchema, { method: 'POST' });
}

export function myFollows(signal?: AbortSignal): Promise<{ items: Follow[] }> {
  return request('/api/me/follows', FollowListSchema, { signal });
}

export function followArea(code: string): Promise<Follow> {
  return request(`/api/me/follows/${encodeURIComponent(code)}`, FollowSchema, { method: 'POST' });
}

export function unfollowArea(code: string): Promise<null> {
  return request(`/api/me/follows/${encodeURIComponent(code)}`, NoContentSchema, { method: 'DELETE' });
}
