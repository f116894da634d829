/** What the public sees of an entry is decided by one rule in shared/src/visibility.ts. */
export { isExactInPublic, publicAddress, publicContact } from '@kwartier/shared';

/** The keys of `all` that `shown` leaves out. */
export function withheld<T extends object>(all: T, shown: T): Array<keyof T> {
  return (Object.keys(all) as Array<keyof T>).filter((key) => all[key] !== undefined && shown[key] === undefined);
}
