import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_WEIGHTS, DRAAGLAST_PARTS, type Scores } from '@kwartier/shared';
import { buildTestApp, resetToDemoData, testDatabase } from '../helpers/app.ts';
import { type Agent, signedIn } from '../helpers/auth.ts';

let app: FastifyInstance;
let analyst: Agent;
beforeAll(async () => {
  const { db } = await resetToDemoData();
  // Figures other tests entered (the authorisation matrix) would muddle this test's history.
  await db.deleteFrom('area_context').execute();
  await db.deleteFrom('area_context_history').execute();
  app = await buildTestApp();
  analyst = await signedIn(app, ['analyst']);
});
afterAll(async () => {
  await analyst.inject({ method: 'PUT', url: '/api/buurtscan/weights', payload: DEFAULT_WEIGHTS });
  await app.close();
});

const LEIDEN_BUURT = 'BU05460000';

async function scores(): Promise<Scores> {
  const response = await analyst.inject({ url: '/api/buurtscan/scores?gemeente=GM0546' });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Scores;
}

describe('draagkracht and draaglast', () => {
  it('adds up: every score is the sum of its parts’ contributions, by the documented formula', async () => {
    const result = await scores();
    expect(result.buurten.length).toBeGreaterThan(40);
    for (const buurt of result.buurten) {
      for (const score of [buurt.draagkracht, buurt.draaglast]) {
        if (score.score === null) continue;
        const sum = score.parts.reduce((total, part) => total + part.contribution, 0);
        expect(sum).toBeCloseTo(score.score, 9);
        // 100 × Σ (weight × scaled) / Σ weights, over the parts with a value.
        const counted = score.parts.filter((part) => part.scaled !== null);
        const expected = (100 * counted.reduce((t, p) => t + p.weight * p.scaled!, 0)) / counted.reduce((t, p) => t + p.weight, 0);
        expect(score.score).toBeCloseTo(expected, 9);
        for (const part of counted) expect(part.scaled).toBeGreaterThanOrEqual(0);
        for (const part of counted) expect(part.scaled).toBeLessThanOrEqual(1);
      }
      if (buurt.draagkracht.score === null || buurt.draaglast.score === null) expect(buurt.balance).toBeNull();
      else expect(buurt.balance).toBeCloseTo(buurt.draagkracht.score - buurt.draaglast.score, 9);
    }
  });

  it('uses the figures analysts enter, per 1,000 inhabitants, and keeps their history', async () => {
    const put = (values: Record<string, number | null>, note: string) =>
      analyst.inject({ method: 'PUT', url: `/api/areas/${LEIDEN_BUURT}/context`, payload: { values, note } });
    expect((await put({ placed_sheltered_housing: 6, placed_shelter: 2 }, 'Eerste telling')).statusCode).toBe(200);
    const second = await put({ placed_shelter: 4, known_pressure: 7 }, 'Na overleg wijkteam');
    expect(second.json().values).toMatchObject({ placed_sheltered_housing: 6, placed_shelter: 4, known_pressure: 7 });
    const history = second.json().history;
    expect(history.slice(0, 2).map((h: { field: string; from: number | null; to: number | null }) => [h.field, h.from, h.to]).sort()).toEqual([
      ['known_pressure', null, 7],
      ['placed_shelter', 2, 4],
    ]);
    expect(history[0]).toMatchObject({ actorId: analyst.user.id, note: 'Na overleg wijkteam' });

    const buurt = (await scores()).buurten.find((b) => b.code === LEIDEN_BUURT)!;
    const placed = buurt.draaglast.parts.find((part) => part.code === 'placed')!;
    expect(placed.raw).toBeCloseTo((10 * 1000) / buurt.inhabitants!, 9);
    expect(buurt.draaglast.parts.find((part) => part.code === 'known_pressure')!.raw).toBe(7);

    const bad = await analyst.inject({ method: 'PUT', url: `/api/areas/${LEIDEN_BUURT}/context`, payload: { values: { known_pressure: 11, happiness: 3 } } });
    expect(bad.json().error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.values.happiness', 'body.values.known_pressure']);
  });

  it('changes a score as documented when an analyst changes a weight', async () => {
    const before = await scores();
    const changed = await analyst.inject({ method: 'PUT', url: '/api/buurtscan/weights', payload: { draagkracht: {}, draaglast: { placed: 0 } } });
    expect(changed.json().draaglast.placed).toBe(0);
    const after = await scores();
    const other = DRAAGLAST_PARTS.filter((part) => part.code !== 'placed');
    for (const [i, buurt] of after.buurten.entries()) {
      const previous = before.buurten[i]!.draaglast;
      // Without "placed", the score is the remaining parts' weighted mean of their scaled values.
      const counted = previous.parts.filter((part) => part.scaled !== null && other.some((o) => o.code === part.code));
      const totalWeight = counted.reduce((t, p) => t + p.weight, 0);
      const expected = totalWeight === 0 ? 0 : (100 * counted.reduce((t, p) => t + p.weight * p.scaled!, 0)) / totalWeight;
      if (buurt.draaglast.score !== null) expect(buurt.draaglast.score).toBeCloseTo(expected, 9);
      expect(buurt.draaglast.parts.find((part) => part.code === 'placed')!.contribution).toBe(0);
    }
    const unknownPart = await analyst.inject({ method: 'PUT', url: '/api/buurtscan/weights', payload: { draagkracht: { charm: 2 }, draaglast: {} } });
    expect(unknownPart.json().error.fields[0].field).toBe('body.draagkracht.charm');
  });

  it('is for analysts only', async () => {
    expect((await app.inject({ url: '/api/buurtscan/scores?gemeente=GM0546' })).statusCode).toBe(401);
    const resident = await signedIn(app);
    expect((await resident.inject({ url: '/api/buurtscan/scores?gemeente=GM0546' })).statusCode).toBe(403);
    expect((await resident.inject({ method: 'PUT', url: `/api/areas/${LEIDEN_BUURT}/context`, payload: { values: { known_pressure: 1 } } })).statusCode).toBe(403);
    expect((await resident.inject({ url: `/api/areas/${LEIDEN_BUURT}/context` })).statusCode).toBe(403);
  });
});

describe('people placed, as the public and analysts see them', () => {
  type Placed = { code: string; count: number | string | null; wijkCode?: string | null };
  let wijk: string;
  let buurten: string[];

  beforeAll(async () => {
    const { db } = await testDatabase();
    await db.deleteFrom('area_context').execute();
    // A wijk of Leiden with at least three buurten; its buurten get 3, 5 and 12 people placed,
    // one of them partly from shelter, so both figures are summed.
    const exact = (await analyst.inject({ url: '/api/buurtscan/placements?gemeente=GM0546' })).json() as { wijken: Placed[]; buurten: Placed[] };
    wijk = exact.wijken.find((w) => exact.buurten.filter((b) => b.wijkCode === w.code).length >= 3)!.code;
    buurten = exact.buurten.filter((b) => b.wijkCode === wijk).slice(0, 3).map((b) => b.code);
    const figures = [{ placed_sheltered_housing: 3 }, { placed_sheltered_housing: 2, placed_shelter: 3 }, { placed_sheltered_housing: 12, known_pressure: 2 }];
    for (const [i, values] of figures.entries()) {
      const response = await analyst.inject({ method: 'PUT', url: `/api/areas/${buurten[i]}/context`, payload: { values } });
      expect(response.statusCode, response.body).toBe(200);
    }
  });

  const placed = async (agent: Pick<Agent, 'inject'>) => {
    const response = await agent.inject({ url: '/api/buurtscan/placements?gemeente=GM0546' });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { exact: boolean; gemeente: Placed; wijken: Placed[]; buurten: Placed[] };
    const count = (code: string) => [body.gemeente, ...body.wijken, ...body.buurten].find((area) => area.code === code)?.count;
    return { body, count, headers: response.headers };
  };

  it('shows the public "< 5" for small counts, and holds one more back where the totals would give it away', async () => {
    const { body, count, headers } = await placed(app);
    expect(body.exact).toBe(false);
    expect(headers.vary).toContain('cookie');
    // 3 is small; 20 − 5 − 12 would give it away, so the 5 is held back as well.
    expect(buurten.map(count)).toEqual(['< 5', 'hidden', 12]);
    expect(count(wijk)).toBe(20);
    expect(count('GM0546')).toBe(20);
    // Buurten without figures stay unknown, and so do the wijken with none.
    const others = body.buurten.filter((b) => !buurten.includes(b.code));
    expect(others.every((b) => b.count === null)).toBe(true);
    expect(body.wijken.filter((w) => w.code !== wijk).every((w) => w.count === null)).toBe(true);
    // Nowhere does the answer hold the 3 or the 5.
    expect(JSON.stringify(body)).not.toMatch(/"count":(3|5)\b/);
  });

  it('shows residents and professionals the same, and analysts the exact figures', async () => {
    const professional = await signedIn(app, ['professional']);
    expect((await placed(professional)).body).toEqual((await placed(app)).body);
    const { body, count, headers } = await placed(analyst);
    expect(body.exact).toBe(true);
    expect(headers['cache-control']).toBe('private, no-store');
    expect(buurten.map(count)).toEqual([3, 5, 12]);
  });

  it('names the field when the gemeente is wrong, and answers 404 for an unknown one', async () => {
    const bad = await app.inject({ url: '/api/buurtscan/placements?gemeente=Leiden' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].field).toBe('query.gemeente');
    expect((await app.inject({ url: '/api/buurtscan/placements?gemeente=GM9999' })).statusCode).toBe(404);
    // Another year's division of the same figures would add up differently: not for the public.
    const otherYear = await app.inject({ url: '/api/buurtscan/placements?gemeente=GM0546&year=2014' });
    expect(otherYear.statusCode).toBe(400);
    expect(otherYear.json().error.fields[0].field).toBe('query.year');
  });
});
