import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type AssetPage, CONSENT_TEXTS, type Schedule, isOpenAt, localMoment } from '@kwartier/shared';
import { buildTestApp, clearAssets, ensureDemoAreas } from '../helpers/app.ts';
import { badFields, createAsset, testModerator } from '../helpers/fixtures.ts';

const schedules: Record<string, Schedule> = {
  officeHours: { alwaysOpen: false, openingHours: [{ days: ['mo', 'tu', 'we', 'th', 'fr'], opens: '09:00', closes: '17:00' }], meetings: [] },
  secondTuesday: {
    alwaysOpen: false, openingHours: [],
    meetings: [{ weekday: 'tu', starts: '14:00', ends: '16:00', recurrence: 'monthly', weeksOfMonth: [2] }],
  },
  lastFriday: {
    alwaysOpen: false, openingHours: [],
    meetings: [{ weekday: 'fr', starts: '19:00', ends: '22:00', recurrence: 'monthly', weeksOfMonth: [-1] }],
  },
  everyOtherWednesday: {
    alwaysOpen: false, openingHours: [],
    meetings: [{ weekday: 'we', starts: '17:30', ends: '19:30', recurrence: 'biweekly', anchorDate: '2026-01-07' }],
  },
  weeklyThursdayEvening: {
    alwaysOpen: false, openingHours: [], meetings: [{ weekday: 'th', starts: '19:00', ends: '21:00', recurrence: 'weekly' }],
  },
  weekendUntilMidnight: { alwaysOpen: false, openingHours: [{ days: ['sa', 'su'], opens: '20:00', closes: '24:00' }], meetings: [] },
  crisisLine: { alwaysOpen: true, openingHours: [], meetings: [] },
  noSchedule: { alwaysOpen: false, openingHours: [], meetings: [] },
};

let app: FastifyInstance;
let clock = new Date('2026-12-08T13:30:00Z');
const idToName = new Map<string, string>();

beforeAll(async () => {
  await ensureDemoAreas();
  await clearAssets();
  app = await buildTestApp({ now: () => clock });
  for (const [name, schedule] of Object.entries(schedules)) {
    idToName.set((await createAsset(app, { name, schedule })).id, name);
  }
});
afterAll(() => app.close());

async function openNames(query: string): Promise<string[]> {
  const response = await app.inject({ url: `/api/assets?limit=100&${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as AssetPage).items.map((a) => idToName.get(a.id)!).sort();
}

describe('open now, in Europe/Amsterdam time', () => {
  it('on the 2nd Tuesday of December at 14:30 local (13:30 UTC, winter time)', async () => {
    clock = new Date('2026-12-08T13:30:00Z');
    expect(await openNames('openNow=true')).toEqual(['crisisLine', 'officeHours', 'secondTuesday']);
  });

  it('on the 1st Tuesday the monthly group does not meet', async () => {
    clock = new Date('2026-12-01T13:30:00Z');
    expect(await openNames('openNow=true')).toEqual(['crisisLine', 'officeHours']);
  });

  it('in summer time, 14:30 local is 12:30 UTC', async () => {
    clock = new Date('2026-07-14T12:30:00Z'); // Tuesday 14 July, 2nd Tuesday
    expect(await openNames('openNow=true')).toEqual(['crisisLine', 'officeHours', 'secondTuesday']);
    clock = new Date('2026-07-14T14:30:00Z'); // 16:30 local: the group has ended
    expect(await openNames('openNow=true')).toEqual(['crisisLine', 'officeHours']);
  });

  it('openAt asks for another moment, with its own offset', async () => {
    expect(await openNames(`openAt=${encodeURIComponent('2026-12-25T20:00:00+01:00')}`)).toEqual(['crisisLine', 'lastFriday']);
    // Typed into an address bar, the '+' of the offset arrives as a space.
    expect(await openNames('openAt=2026-12-25T20:00:00+01:00')).toEqual(['crisisLine', 'lastFriday']);
    expect(await openNames(`openAt=${encodeURIComponent('2026-12-26T23:59:00+01:00')}`)).toEqual(['crisisLine', 'weekendUntilMidnight']);
    // Biweekly from Wednesday 7 January: 2 December is 47 weeks later (odd), 9 December 48 (even).
    expect(await openNames(`openAt=${encodeURIComponent('2026-12-02T18:00:00+01:00')}`)).toEqual(['crisisLine']);
    expect(await openNames(`openAt=${encodeURIComponent('2026-12-09T18:00:00+01:00')}`)).toEqual(['crisisLine', 'everyOtherWednesday']);
  });

  it('the database and the shared rule agree over a whole year, across both DST changes', async () => {
    // From before the biweekly anchor date into 2026: months with five Fridays, the last
    // week of each month, winter and summer time, both transitions.
    const start = Date.parse('2025-12-15T00:15:00Z');
    const disagreements: string[] = [];
    for (let hour = 0; hour < 380 * 24; hour += 5) {
      const instant = new Date(start + hour * 3_600_000 + (hour % 3) * 25 * 60_000);
      const moment = localMoment(instant);
      const expected = Object.entries(schedules).filter(([, s]) => isOpenAt(s, moment)).map(([n]) => n).sort();
      const actual = await openNames(`openAt=${encodeURIComponent(instant.toISOString())}`);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) disagreements.push(`${instant.toISOString()}: ${actual} vs ${expected}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('refuses a malformed moment and impossible schedules', async () => {
    expect(badFields(await app.inject({ url: '/api/assets?openAt=tuesday' }))).toEqual(['query.openAt']);
    expect(badFields(await app.inject({ url: '/api/assets?openNow=perhaps' }))).toEqual(['query.openNow']);
    const base = { kind: 'contact_point', category: 'inloop', name: 'Inloop', location: { type: 'Point', coordinates: [4.49, 52.16] }, consent: { version: CONSENT_TEXTS.publish.version } };
    const post = async (schedule: unknown) => (await testModerator(app)).inject({ method: 'POST', url: '/api/assets', payload: { ...base, schedule } });
    expect(badFields(await post({ openingHours: [{ days: ['mo'], opens: '17:00', closes: '09:00' }] }))).toEqual(['body.schedule.openingHours.0.closes']);
    expect(badFields(await post({ openingHours: [{ days: ['mo'], opens: '9:00', closes: '17:00' }] }))).toEqual(['body.schedule.openingHours.0.opens']);
    expect(badFields(await post({ meetings: [{ weekday: 'tu', starts: '14:00', ends: '16:00', recurrence: 'monthly' }] }))).toEqual(['body.schedule.meetings.0.weeksOfMonth']);
    expect(badFields(await post({ meetings: [{ weekday: 'tu', starts: '14:00', ends: '16:00', recurrence: 'biweekly', anchorDate: '2026-12-03' }] }))).toEqual(['body.schedule.meetings.0.anchorDate']);
    expect(badFields(await post({ meetings: [{ weekday: 'xx', starts: '14:00', ends: '16:00', recurrence: 'weekly' }] }))).toEqual(['body.schedule.meetings.0.weekday']);
    expect(badFields(await post({ meetings: [{ weekday: 'tu', starts: '14:00', ends: '16:00', recurrence: 'weekly', weeksOfMonth: [2] }] }))).toEqual(['body.schedule.meetings.0.weeksOfMonth']);
    expect(badFields(await post({ openingHours: [{ days: ['mo', 'mo'], opens: '09:00', closes: '17:00' }] }))).toEqual(['body.schedule.openingHours.0.days']);
  });
});
