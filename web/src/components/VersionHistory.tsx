import { useEffect, useState } from 'react';
import type { AssetVersion } from '@kwartier/shared';
import { assetVersions } from '../api/contributions.ts';
import { useI18n } from '../i18n/I18nContext.tsx';
import { generalMessage } from './forms.tsx';

/** An entry's history, newest first: what happened, who did it, when, and which fields changed. */
export function VersionHistory({ assetId }: { assetId: string }) {
  const { t, language } = useI18n();
  const [versions, setVersions] = useState<AssetVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    assetVersions(assetId, controller.signal).then(setVersions, (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setError(generalMessage(err, t));
    });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [assetId]);

  if (error) return <p role="alert" className="message error">{error}</p>;
  if (!versions) return <p className="message"><span className="spinner" aria-hidden="true" /> {t.loading}</p>;
  const when = new Intl.DateTimeFormat(language === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <ol className="history" data-testid="history">
      {[...versions].reverse().map((version) => {
        const fields = Object.keys(version.changes).filter((field) => field !== 'status');
        return (
          <li key={version.version}>
            <strong>{t.versionActions[version.action]}</strong>
            <span className="meta"> · {version.actorName ?? t.mine.someoneUnknown} · <time dateTime={version.at}>{when.format(new Date(version.at))}</time></span>
            {fields.length > 0 && version.action !== 'submitted' ? (
              <div className="meta">{t.mine.changedFields(fields.map((field) => t.fieldNames[field] ?? field).join(', '))}</div>
            ) : null}
            {version.message ? <blockquote>{version.message}</blockquote> : null}
          </li>
        );
      })}
    </ol>
  );
}
