import { ASSET_KINDS, CATEGORIES, CHARACTERISTICS, INCLUSION_FEATURES, type Label, SOCIAL_CAPITAL_TYPES, TARGET_GROUPS } from '@kwartier/shared';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { KIND_SYMBOLS } from '../map/icons.ts';
import { EMPTY_FILTERS, type Filters as FilterState } from '../../state/urlState.ts';

type ListKey = 'kind' | 'category' | 'socialCapital' | 'inclusion' | 'targetGroup' | 'characteristic';

const GROUPS: Array<{ key: ListKey; title: ListKey; terms: ReadonlyArray<{ code: string; label: Label; kind?: string }> }> = [
  { key: 'kind', title: 'kind', terms: ASSET_KINDS },
  { key: 'category', title: 'category', terms: CATEGORIES },
  { key: 'socialCapital', title: 'socialCapital', terms: SOCIAL_CAPITAL_TYPES },
  { key: 'inclusion', title: 'inclusion', terms: INCLUSION_FEATURES },
  { key: 'targetGroup', title: 'targetGroup', terms: TARGET_GROUPS },
  { key: 'characteristic', title: 'characteristic', terms: CHARACTERISTICS },
];

/** Filters as checkboxes in fieldsets: reachable and readable by keyboard and screen reader. */
export function Filters({ filters, onChange }: { filters: FilterState; onChange: (filters: FilterState) => void }) {
  const { t, label } = useI18n();
  // Categories follow the kinds chosen: with "Talent" ticked, only talents' categories show.
  const visible = (key: ListKey, term: { code: string; kind?: string }) =>
    key !== 'category' || filters.kind.length === 0 || filters.kind.includes(term.kind ?? '') || filters.category.includes(term.code);
  const toggle = (key: ListKey, code: string) => {
    const current = filters[key];
    onChange({ ...filters, [key]: current.includes(code) ? current.filter((c) => c !== code) : [...current, code] });
  };
  return (
    <section className="filters" aria-label={t.filters}>
      <label className="search">
        <span>{t.search}</span>
        <input
          type="search"
          value={filters.q}
          placeholder={t.searchPlaceholder}
          maxLength={200}
          onChange={(event) => onChange({ ...filters, q: event.target.value })}
        />
      </label>
      <label className="toggle">
        <input type="checkbox" checked={filters.openNow} onChange={(event) => onChange({ ...filters, openNow: event.target.checked })} />
        <span>{t.openNow}</span>
      </label>
      {GROUPS.map((group) => (
        <details key={group.key} open={filters[group.key].length > 0}>
          <summary>
            {t[group.title]}
            {filters[group.key].length > 0 ? ` (${filters[group.key].length})` : ''}
          </summary>
          <fieldset>
            <legend className="visually-hidden">{t[group.title]}</legend>
            {group.terms.filter((term) => visible(group.key, term)).map((term) => (
              <label key={term.code} className="check">
                <input
                  type="checkbox"
                  name={group.key}
                  value={term.code}
                  checked={filters[group.key].includes(term.code)}
                  onChange={() => toggle(group.key, term.code)}
                />
                {group.key === 'kind' ? <KindSwatch kind={term.code} /> : null}
                <span>{label(term.label)}</span>
              </label>
            ))}
          </fieldset>
        </details>
      ))}
      <button type="button" className="link" onClick={() => onChange(EMPTY_FILTERS)}>
        {t.clearFilters}
      </button>
    </section>
  );
}

/** The kind's map symbol beside its checkbox: the filter doubles as the map's legend. */
export function KindSwatch({ kind }: { kind: string }) {
  const symbol = KIND_SYMBOLS[kind as keyof typeof KIND_SYMBOLS];
  return symbol ? <span className={`swatch shape-${symbol.shape}`} style={{ background: symbol.colour }} aria-hidden="true" /> : null;
}
