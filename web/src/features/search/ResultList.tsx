import { ASSET_KINDS, CATEGORIES, type Asset } from '@kwartier/shared';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { KindSwatch } from './Filters.tsx';
import { ScheduleText } from '../../components/ScheduleText.tsx';

export type Result = Asset & { distanceMeters?: number };

type Props = {
  results: Result[] | null;
  /** How many match, up to COUNT_CAP; `capped` when there are more. */
  count: { total: number; capped: boolean };
  loading: boolean;
  unavailable: boolean;
  selected: string | null;
  onSelect: (asset: Result) => void;
  /** The filters now set, by name: the empty state says which ones to loosen. */
  activeFilters: string[];
};

/** The results as a list: the map's alternative for screen readers and keyboards. */
export function ResultList({ results, count, loading, unavailable, selected, onSelect, activeFilters }: Props) {
  const { t, label } = useI18n();
  if (unavailable) return <p role="alert" className="message error">{t.serverDown}</p>;
  if (results === null || (loading && results.length === 0)) {
    return (
      <p className="message" aria-live="polite">
        <span className="spinner" aria-hidden="true" /> {t.loading}
      </p>
    );
  }
  if (results.length === 0) {
    return (
      <div className="message" aria-live="polite">
        <p>{t.nothingFound}</p>
        <p>{activeFilters.length > 0 ? t.loosenThese(activeFilters.join(', ')) : t.loosenHint}</p>
      </div>
    );
  }
  return (
    <section aria-label={t.listAlternative}>
      <p className="count" aria-live="polite">{t.resultsCount(count.total, count.capped)}{loading ? ` · ${t.loading}` : ''}</p>
      <ol className="results" data-testid="results">
        {results.map((asset) => {
          const kind = ASSET_KINDS.find((k) => k.code === asset.kind)!;
          const category = CATEGORIES.find((c) => c.code === asset.category);
          return (
            <li key={asset.id}>
              <button
                type="button"
                className={asset.id === selected ? 'result selected' : 'result'}
                aria-current={asset.id === selected ? 'true' : undefined}
                onClick={() => onSelect(asset)}
                data-asset-id={asset.id}
              >
                <KindSwatch kind={asset.kind} />
                <span className="result-text">
                  <strong>{asset.name}</strong>
                  <span className="meta">
                    {category ? label(category.label) : label(kind.label)}
                    {asset.buurt ? ` · ${asset.buurt.name}` : ''}
                  </span>
                  <span className="print-only">
                    {[[asset.address.street, asset.address.houseNumber].filter(Boolean).join(' '), asset.address.city].filter(Boolean).join(', ')}
                    {asset.contact.phone ? ` · ${asset.contact.phone}` : ''}
                    {asset.contact.website ? ` · ${asset.contact.website}` : ''}
                    <ScheduleText schedule={asset.schedule} />
                  </span>
                </span>
                {asset.distanceMeters !== undefined ? <span className="distance" data-distance={asset.distanceMeters}>{t.distance(asset.distanceMeters)}</span> : null}
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
