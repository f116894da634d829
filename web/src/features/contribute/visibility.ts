import type { Address, Contact } from '@kwartier/shared';

/**
 * Who will see what of an entry. The same rules as the server's `publicAddress` and
 * `publicContact` (server/src/modules/assets/assets.service.ts), which decide what the API and
 * the map send; here they only explain it to the person filling in the form.
 */
type Placement = { kind: string; precision: string };

export function isExactInPublic({ kind, precision }: Placement): boolean {
  return kind !== 'talent' && precision === 'exact';
}

export function publicAddress(entry: Placement, address: Address): Address {
  if (isExactInPublic(entry)) return address;
  const { street, city } = address;
  if (entry.precision === 'street') return { ...(street ? { street } : {}), ...(city ? { city } : {}) };
  return city ? { city } : {};
}

export function publicContact(entry: Placement, contact: Contact): Contact {
  if (entry.kind === 'talent') return {};
  if (!isExactInPublic(entry)) return contact.website ? { website: contact.website } : {};
  return contact;
}

/** The keys of `all` that `shown` leaves out. */
export function withheld<T extends object>(all: T, shown: T): Array<keyof T> {
  return (Object.keys(all) as Array<keyof T>).filter((key) => all[key] !== undefined && shown[key] === undefined);
}
