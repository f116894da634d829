import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/src/config.ts';

describe('configuration', () => {
  it('defaults to the embedded database on port 3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: undefined, dataDir: './data', seedDemoData: true });
  });

  it('never trusts every proxy: true means one, and addresses are taken as given', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1,10.1.0.0/16' }).trustProxy).toEqual(['10.0.0.1', '10.1.0.0/16']);
  });

  it('builds e-mail links from PUBLIC_URL, or from the port', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://kwartier.example.nl/' }).publicUrl).toBe('https://kwartier.example.nl');
  });

  it('reads from replicas only beside a PostgreSQL primary, and keeps a writer on the primary 5 s by default', () => {
    const primary = { DATABASE_URL: 'postgres://kwartier@primary/kwartier' };
    expect(loadConfig(primary)).toMatchObject({ databaseReadUrls: [], readYourWritesSeconds: 5 });
    expect(loadConfig({ ...primary, DATABASE_READ_URL: 'postgres://r1/kwartier, postgresql://r2/kwartier', READ_YOUR_WRITES_SECONDS: '0' })).toMatchObject({
      databaseReadUrls: ['postgres://r1/kwartier', 'postgresql://r2/kwartier'],
      readYourWritesSeconds: 0,
    });
    // The embedded database has no replicas: the message says what is missing.
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://r1/kwartier' })).toThrow(/DATABASE_READ_URL: needs DATABASE_URL/);
  });

  it('treats an empty or blank variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
    expect(loadConfig({ PORT: '  ' }).port).toBe(3000);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '0x10' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/kwartier' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ SEED_DEMO_DATA: 'maybe' }, 'SEED_DEMO_DATA'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
    [{ TRUST_PROXY: 'everyone' }, 'TRUST_PROXY'],
    [{ SMTP_URL: 'http://mail.example.org' }, 'SMTP_URL'],
    [{ PUBLIC_URL: 'kwartier.example.nl' }, 'PUBLIC_URL'],
    [{ RATE_LIMIT_WINDOW_SECONDS: '0' }, 'RATE_LIMIT_WINDOW_SECONDS'],
    [{ DATABASE_URL: 'postgres://primary/kwartier', DATABASE_READ_URL: 'mysql://replica/kwartier' }, 'DATABASE_READ_URL'],
    [{ DATABASE_URL: 'postgres://primary/kwartier', DATABASE_READ_URL: ',' }, 'DATABASE_READ_URL'],
    [{ READ_YOUR_WRITES_SECONDS: 'soon' }, 'READ_YOUR_WRITES_SECONDS'],
  ])('stops on %o and names %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`\\b${name}\\b`));
  });
});
