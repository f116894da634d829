import type { AreaUpdates, UpdateEntry } from '@kwartier/shared';

/**
 * Text for XML: the five special characters escaped, and the characters XML 1.0 cannot hold at
 * all (control characters, lone surrogates, U+FFFE/U+FFFF) left out, since people type or
 * paste anything and one such character would make the whole feed unreadable.
 */
export function xmlText(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const LEVEL_NAMES = { gemeente: 'gemeente', wijk: 'wijk', buurt: 'buurt' } as const;

/** The Atom entry title: what happened, then what it is. */
export function entryHeading(entry: UpdateEntry): string {
  if (entry.type === 'asset') return `${entry.change === 'new' ? 'Nieuw op de kaart' : 'Bijgewerkt op de kaart'}: ${entry.title}`;
  if (entry.type === 'agenda') return `${entry.change === 'new' ? 'Nieuw op de wijkagenda' : 'Wijkagenda bijgewerkt'}: ${entry.title}`;
  return `Mededeling: ${entry.title}`;
}

/** The text of an entry: its summary and, for an announcement, the contact its author published. */
export function entryText(entry: UpdateEntry): string {
  const lines = [entry.summary];
  if (entry.area) lines.push(`Gebied: ${entry.area.name} (${entry.area.code})`);
  if (entry.contact) {
    const ways = [entry.contact.phone ? `tel. ${entry.contact.phone}` : null, entry.contact.email ?? null].filter((way) => way !== null);
    lines.push(`Contact: ${entry.contact.name}${ways.length > 0 ? `, ${ways.join(', ')}` : ''}`);
  }
  return lines.join('\n');
}

/** A tag: URI (RFC 4151) of this Kwartier for a feed: stable while PUBLIC_URL's host is. */
export function feedId(publicUrl: string, code: string): string {
  return `tag:${new URL(publicUrl).hostname},2026:kwartier/feeds/${code}`;
}

/**
 * The changes of an area as an Atom 1.0 feed (RFC 4287): the feed's id, title, updated, self
 * and alternate links and author; each entry with a stable urn:uuid id (the thing's own id,
 * the same in the feed of its buurt, wijk and gemeente), title, published, updated, a link to
 * it in the web app and its text. Everything is plain text (type="text"), escaped.
 */
export function updatesToAtom(updates: AreaUpdates, publicUrl: string, fallbackUpdated: Date): string {
  const { area } = updates;
  const updated = updates.items[0]?.updated ?? fallbackUpdated.toISOString();
  const page = `${publicUrl}/?page=updates&area=${area.code}`;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="nl">',
    `  <id>${xmlText(feedId(publicUrl, area.code))}</id>`,
    `  <title type="text">${xmlText(`Kwartier: nieuws uit ${LEVEL_NAMES[area.level]} ${area.name}`)}</title>`,
    `  <subtitle type="text">${xmlText(`Nieuwe en bijgewerkte plekken, de wijkagenda en mededelingen van professionals in ${area.name} (${area.code}).`)}</subtitle>`,
    `  <updated>${updated}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(`${publicUrl}${updates.feed}`)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(page)}"/>`,
    '  <author><name>Kwartier</name></author>',
    '  <generator>Kwartier</generator>',
  ];
  for (const entry of updates.items) {
    lines.push(
      '  <entry>',
      `    <id>${xmlText(entry.id)}</id>`,
      `    <title type="text">${xmlText(entryHeading(entry))}</title>`,
      `    <published>${entry.published}</published>`,
      `    <updated>${entry.updated}</updated>`,
      `    <link rel="alternate" type="text/html" href="${xmlText(`${publicUrl}${entry.link}`)}"/>`,
      `    <category term="${entry.type}" label="${entry.type === 'asset' ? 'Plek' : entry.type === 'agenda' ? 'Wijkagenda' : 'Mededeling'}"/>`,
      `    <summary type="text">${xmlText(entry.summary)}</summary>`,
      `    <content type="text">${xmlText(entryText(entry))}</content>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
