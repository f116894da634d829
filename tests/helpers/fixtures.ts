import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { type Asset, AssetCreateSchema, CONSENT_TEXTS } from '@kwartier/shared';
import { moderate, submitAsset } from '../../server/src/modules/contributions/contributions.service.ts';
import { type Agent, signedIn } from './auth.ts';

/** A valid asset body; tests change what they are about. */
export function assetBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'initiative',
    category: 'lotgenotengroep',
    name: 'Lotgenotengroep De Brug',
    description: 'Een groep voor mensen die herstellen van een depressie.',
    socialCapital: ['bonding'],
    inclusionFeatures: ['peer_experts', 'low_stimulus'],
    targetGroups: ['psychiatric'],
    characteristics: ['open_attitude'],
    location: { type: 'Point', coordinates: [4.4921, 52.1612] },
    address: { street: 'Breestraat', houseNumber: '12', postcode: '2311CS', city: 'Leiden' },
    consent: { version: CONSENT_TEXTS.publish.version },
    ...overrides,
  };
}

const moderators = new WeakMap<FastifyInstance, Promise<Agent>>();

/** One moderator per app, who submits and approves the assets tests need on the map. */
export function testModerator(app: FastifyInstance): Promise<Agent> {
  let moderator = moderators.get(app);
  if (!moderator) {
    moderator = signedIn(app, ['moderator'], 'fixture-moderator');
    moderators.set(app, moderator);
  }
  return moderator;
}

/**
 * An asset the way one gets on the map: submitted, then approved by a moderator. With
 * `status: 'pending'` it is left in the queue; 'archived' and 'rejected' are moderators'
 * decisions too. Returns it as the public read shows it (to a moderator, for unpublished ones).
 */
export async function createAsset(app: FastifyInstance, overrides: Record<string, unknown> = {}): Promise<Asset> {
  const { status = 'published', ...fields } = overrides;
  const moderator = await testModerator(app);
  // Through the services, not HTTP: a test that needs fifty assets is no flood of submissions.
  const input = AssetCreateSchema.parse(assetBody(fields));
  const { id } = await submitAsset(app.db, moderator.user, input);
  const decision = ({ published: 'approve', archived: 'archive', rejected: 'reject' } as const)[status as string];
  if (decision) await moderate(app.db, moderator.user, id, decision, 'Gezien door de test');
  else expect(status).toBe('pending');
  return (await moderator.inject({ url: `/api/assets/${id}` })).json() as Asset;
}

/** Field names from a 400 answer, e.g. ['body.location.coordinates.1']. */
export function badFields(response: { statusCode: number; json(): unknown }): string[] {
  expect(response.statusCode).toBe(400);
  const body = response.json() as { error: { code: string; fields?: Array<{ field: string }> } };
  expect(body.error.code).toBe('VALIDATION_FAILED');
  return (body.error.fields ?? []).map((f) => f.field);
}
