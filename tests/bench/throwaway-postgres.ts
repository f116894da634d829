import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../server/src/lib/paths.ts';

/** A PostgreSQL cluster of its own for a benchmark (scripts/pg-test-cluster.sh), and how to stop it. */
export function startThrowawayPostgres(): { url: string; stop: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kwartier-bench-pg-'));
  const script = path.join(PROJECT_ROOT, 'scripts', 'pg-test-cluster.sh');
  const url = execFileSync(script, ['start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
  return { url, stop: () => execFileSync(script, ['stop', dir], { stdio: 'inherit' }) };
}
