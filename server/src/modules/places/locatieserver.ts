import { z } from 'zod';
import type { Place } from '@kwartier/shared';

/**
 * PDOK's Locatieserver (the `free` search), for addresses, postcodes, streets and places.
 * Only the fields Kwartier reads are checked; an answer in another shape is ignored.
 */
const AnswerSchema = z.object({
  response: z.object({
    docs: z.array(
      z.object({
        weergavenaam: z.string(),
        type: z.string(),
        centroide_ll: z.string(),
      }),
    ),
  }),
});

const TYPES: Record<string, Place['type']> = {
  adres: 'address',
  postcode: 'postcode',
  weg: 'street',
  woonplaats: 'place',
  gemeente: 'gemeente',
  wijk: 'wijk',
  buurt: 'buurt',
};

function pointOf(wkt: string): { lon: number; lat: number } | null {
  const match = /^POINT\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)$/.exec(wkt.trim());
  return match ? { lon: Number(match[1]), lat: Number(match[2]) } : null;
}

export async function searchLocatieserver(baseUrl: string, text: string, limit: number): Promise<Place[]> {
  const url = new URL(baseUrl);
  url.searchParams.set('q', text);
  url.searchParams.set('rows', String(limit));
  url.searchParams.set('fl', 'weergavenaam,type,centroide_ll');
  url.searchParams.set('fq', 'type:(adres OR postcode OR weg OR woonplaats OR gemeente)');
  const response = await fetch(url, { signal: AbortSignal.timeout(3000), headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`Locatieserver answered ${response.status}`);
  const answer = AnswerSchema.parse(await response.json());
  return answer.response.docs.flatMap((doc) => {
    const point = pointOf(doc.centroide_ll);
    const type = TYPES[doc.type];
    return point && type ? [{ label: doc.weergavenaam, type, ...point, source: 'locatieserver' as const }] : [];
  });
}
