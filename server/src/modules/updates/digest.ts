import type { Kysely } from 'kysely';
import type { UpdateEntry } from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import type { Mailer } from '../../lib/mailer.ts';
import { entryHeading, entryText, xmlText } from './atom.ts';
import * as repository from './updates.repository.ts';
import { changesOf } from './updates.service.ts';

/** At most this many changes per followed area in one digest; the page has the rest. */
const PER_AREA = 30;

/** The ISO week (Monday to Sunday) a moment falls in, in Dutch time: "2026-W49". */
export function isoWeek(moment: Date): string {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(moment)
    .split('-')
    .map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  // The Thursday of this week decides the year the week belongs to.
  date.setUTCDate(date.getUTCDate() + 3 - ((date.getUTCDay() + 6) % 7));
  const weekYear = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
  return `${weekYear}-W${String(week).padStart(2, '0')}`;
}

type AreaChanges = { code: string; name: string; entries: UpdateEntry[] };

/** Plain text and a simple HTML part with the same content; every typed text escaped in the HTML. */
function digestMail(name: string, week: string, areas: AreaChanges[], publicUrl: string) {
  const count = areas.reduce((n, area) => n + area.entries.length, 0);
  const subject = `Kwartier: ${count === 1 ? '1 verandering' : `${count} veranderingen`} in ${areas.map((area) => area.name).join(', ')} (week ${week.slice(-2)})`;
  const pageOf = (code: string) => `${publicUrl}/?page=updates&area=${code}`;
  const text = [
    `Beste ${name},`,
    '',
    'Dit veranderde sinds je vorige overzicht in de buurten die je volgt op Kwartier.',
    '',
    ...areas.flatMap((area) => [
      `== ${area.name} (${area.code}) ==`,
      ...area.entries.flatMap((entry) => [`- ${entryHeading(entry)}`, ...entryText(entry).split('\n').map((line) => `  ${line}`), `  ${publicUrl}${entry.link}`, '']),
      `Alles over ${area.name}: ${pageOf(area.code)}`,
      '',
    ]),
    '--',
    'Je krijgt deze mail één keer per week omdat je deze buurten volgt op Kwartier.',
    'Niet meer volgen: open de pagina van de buurt, log in en kies "Niet meer volgen":',
    ...areas.map((area) => `  ${area.name}: ${pageOf(area.code)}`),
  ].join('\n');
  const html = [
    '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Kwartier</title></head>',
    '<body style="font-family: sans-serif; line-height: 1.4; color: #1d2a33; max-width: 40em">',
    `<p>Beste ${xmlText(name)},</p>`,
    '<p>Dit veranderde sinds je vorige overzicht in de buurten die je volgt op Kwartier.</p>',
    ...areas.flatMap((area) => [
      `<h2 style="font-size: 1.15em">${xmlText(area.name)} <small>(${xmlText(area.code)})</small></h2>`,
      '<ul>',
      ...area.entries.map(
        (entry) =>
          `<li><a href="${xmlText(`${publicUrl}${entry.link}`)}">${xmlText(entryHeading(entry))}</a><br>${entryText(entry).split('\n').map(xmlText).join('<br>')}</li>`,
      ),
      '</ul>',
      `<p><a href="${xmlText(pageOf(area.code))}">Alles over ${xmlText(area.name)}</a></p>`,
    ]),
    '<hr>',
    '<p style="font-size: 0.9em">Je krijgt deze mail één keer per week omdat je deze buurten volgt op Kwartier. ',
    `Niet meer volgen: open de pagina van de buurt, log in en kies “Niet meer volgen”: ${areas.map((area) => `<a href="${xmlText(pageOf(area.code))}">${xmlText(area.name)}</a>`).join(', ')}.</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

export type DigestResult = { sent: number; unchanged: number; alreadySent: number; failed: number };

/**
 * Sends each follower one e-mail a week with the changes of the areas they follow since their
 * last digest (or since they followed the area). What was sent is stored per follower: the
 * week, and up to when the changes were covered; a second run in the same week sends nothing,
 * and a follower with no changes gets no mail. A mail that fails is tried again next run.
 */
export class DigestNotSentError extends Error {
  override name = 'DigestNotSentError';
}

export async function sendDigests(db: Kysely<DB>, mailer: Mailer, now: Date, options: { publicUrl: string }): Promise<DigestResult> {
  // A mailer that sends nothing (production without SMTP_URL) would mark every follower's
  // week as done while nobody got a mail: refuse instead, so that the week stays to be sent.
  if (mailer.kind === 'none') throw new DigestNotSentError('SMTP_URL is not set: no digest can be sent, and no follower is marked as having had one');
  const week = isoWeek(now);
  const result: DigestResult = { sent: 0, unchanged: 0, alreadySent: 0, failed: 0 };
  for (const follower of await repository.followers(db)) {
    if (follower.last_week === week) {
      result.alreadySent += 1;
      continue;
    }
    const seen = new Set<string>();
    const areas: AreaChanges[] = [];
    for (const follow of await repository.followsOf(db, follower.user_id)) {
      const since = follower.covered_until && follower.covered_until > follow.created_at ? follower.covered_until : follow.created_at;
      const entries = (await changesOf(db, follow.area_code, since, PER_AREA, null)).filter((entry) => new Date(entry.updated) <= now && !seen.has(entry.id));
      for (const entry of entries) seen.add(entry.id);
      if (entries.length > 0) areas.push({ code: follow.area_code, name: follow.area_name ?? follow.area_code, entries });
    }
    if (areas.length === 0) {
      result.unchanged += 1;
      continue;
    }
    if (!(await repository.claimDigest(db, follower.user_id, follower, { week, coveredUntil: now }))) {
      result.alreadySent += 1;
      continue;
    }
    try {
      await mailer.send({ to: follower.email, ...digestMail(follower.display_name, week, areas, options.publicUrl) });
      result.sent += 1;
    } catch {
      // The mail server's refusal names the address: it goes nowhere, the digest is tried again.
      await repository.releaseDigest(db, follower.user_id, follower);
      result.failed += 1;
    }
  }
  return result;
}
