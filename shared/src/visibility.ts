import type { Address, Contact } from './asset.ts';

/**
 * What of an entry the public sees. One rule for the server, which decides what the API and
 * the map send, and for the web app's form, which explains it to the person filling it in.
 */
type Placement = { kind: string; precision: string };

/** Whether the public may see exactly where an asset is. Talents never; others by precision. */
export function isExactInPublic({ kind, precision }: Placement): boolean {
  return kind !== 'talent' && precision === 'exact';
}

/**
 * The address as the public may see it. A postcode and house number pin a home down to a few
 * doors, so they are shown only for assets whose exact place is public.
 */
export function publicAddress(entry: Placement, address: Address): Address {
  if (isExactInPublic(entry)) return address;
  const { street, city } = address;
  if (entry.precision === 'street') return { ...(street ? { street } : {}), ...(city ? { city } : {}) };
  return city ? { city } : {};
}

/**
 * How the public may reach an asset. A talent is reached through the platform only. An asset
 * shown away from its real place (street or buurt precision) is most often someone's home, so
 * its phone, e-mail and contact person stay private too; a website says nothing of a home.
 */
export function publicContact(entry: Placement, contact: Contact): Contact {
  if (entry.kind === 'talent') return {};
  if (!isExactInPublic(entry)) return contact.website ? { website: contact.website } : {};
  return contact;
}
