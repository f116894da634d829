/**
 * The last part of `npm run bench`: the figures the other scripts left (measure.ts,
 * saveFigures) held against the targets of issues 8 and 9, one line per target and database.
 */
import { type BenchFigure, readFigures } from './measure.ts';

type Figure = BenchFigure & { measuredAt: string };
type Verdict = { target: string; backend: string; text: string };

const figures = readFigures();
const find = (backend: string, name: (n: string) => boolean): Figure | undefined =>
  figures.find((f) => f.backend === backend && name(f.name));
const named = (n: string) => (name: string) => name === n;
const fmt = (value: number, unit: string) => `${unit === 'ms' && value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(unit === 'ms' ? 1 : 0)} ${unit}`}`;

/** "met", or by how much it is missed, in the target's own terms. */
function verdict(met: boolean, by: string): string {
  return met ? 'met' : `not met by ${by}`;
}

function judge(backend: string): Verdict[] {
  const verdicts: Verdict[] = [];
  const add = (target: string, text: string) => verdicts.push({ target, backend, text });
  const missing = 'not measured';

  const nearby = find(backend, named('nearby API p95'));
  const nearbySql = find(backend, named('nearby SQL p95'));
  if (nearby && nearbySql) {
    const ratio = nearby.value / nearbySql.value;
    const parts = [
      ratio <= 2 ? null : `${(ratio - 2).toFixed(2)}× (${ratio.toFixed(2)}× raw SQL)`,
      nearby.value < 20 ? null : fmt(nearby.value - 20, 'ms'),
    ].filter((part) => part !== null);
    add('nearby p95 ≤ 2× raw SQL and < 20 ms', `${verdict(parts.length === 0, parts.join(' and '))}: API ${fmt(nearby.value, 'ms')}, SQL ${fmt(nearbySql.value, 'ms')} (${nearby.note})`);
  } else add('nearby p95 ≤ 2× raw SQL and < 20 ms', missing);

  const cold = find(backend, named('cold z14 tile p50'));
  const tileSql = find(backend, named('z14 tile SQL p50'));
  if (cold && tileSql) {
    const ratio = cold.value / tileSql.value;
    add('cold z14 tile ≤ 1.5× raw SQL', `${verdict(ratio <= 1.5, `${(ratio - 1.5).toFixed(2)}×`)}: cold ${fmt(cold.value, 'ms')}, SQL ${fmt(tileSql.value, 'ms')} (${ratio.toFixed(2)}×)`);
  } else add('cold z14 tile ≤ 1.5× raw SQL', missing);

  const warm = find(backend, named('warm tile req/s'));
  const hello = find(backend, named('hello-world req/s'));
  if (warm && hello) {
    const share = (100 * warm.value) / hello.value;
    add('warm tile ≥ 50% of hello-world req/s', `${verdict(share >= 50, `${(50 - share).toFixed(0)} points`)}: ${fmt(warm.value, 'req/s')} = ${share.toFixed(0)}% of ${fmt(hello.value, 'req/s')}`);
  } else add('warm tile ≥ 50% of hello-world req/s', missing);

  const scan = find(backend, (n) => n.startsWith('all wijken, all') && n.endsWith('reach kept'));
  if (scan) add('national buurtscan < 2 s', `${verdict(scan.value < 2000, fmt(scan.value - 2000, 'ms'))}: ${fmt(scan.value, 'ms')} (${scan.name}, ${scan.note})`);
  else add('national buurtscan < 2 s', missing);

  const idle = find(backend, named('map first idle median'));
  if (idle) add('map first idle < 3 s', `${verdict(idle.value < 3000, fmt(idle.value - 3000, 'ms'))}: median ${fmt(idle.value, 'ms')} (${idle.note})`);
  else add('map first idle < 3 s', missing);

  // Issue 9: under load, nothing fails and nothing times out.
  for (const load of figures.filter((f) => f.backend === backend && f.name.startsWith('load: '))) {
    add(`${load.name}: 0 errors, 0 timeouts`, `${verdict(load.value === 0, `${load.value} errors and timeouts`)}: ${load.note}`);
  }
  return verdicts;
}

const backends = [...new Set(figures.map((f) => f.backend))].filter((b) => b !== '-');
console.log('\nSummary against the targets of issues 8 and 9');
if (backends.length === 0) console.log('  nothing measured yet: run npm run bench');
for (const backend of backends) {
  for (const v of judge(backend)) console.log(`  ${backend.padEnd(9)} ${v.target.padEnd(40)} ${v.text}`);
}
const bundle = figures.find((f) => f.name === 'web bundle gzip');
if (bundle) console.log(`  web bundle: ${fmt(bundle.value, 'KB')} gzip`);
const times = [...new Set(figures.map((f) => f.measuredAt.slice(0, 16).replace('T', ' ')))];
console.log(`  (measured ${times.join(', ')} UTC)`);
