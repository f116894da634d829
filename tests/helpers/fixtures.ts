import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Asset } from '@kwartier/shared';

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
    ...overrides,
  };
}

export async function createAsset(app: FastifyInstance, overrides: Record<string, unknown> = {}): Promise<Asset> {
  const response = await app.inject({ method: 'POST', url: '/api/assets', payload: assetBody(overrides) });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Asset;
}

/** Field names from a 400 answer, e.g. ['body.location.coordinates.1']. */
export function badFields(response: { statusCode: number; json(): unknown }): string[] {
  expect(response.statusCode).toBe(400);
  const body = response.json() as { error: { code: string; fields?: Array<{ field: string }> } };
  expect(body.error.code).toBe('VALIDATION_FAILED');
  return (body.error.fields ?? []).map((f) => f.field);
}
