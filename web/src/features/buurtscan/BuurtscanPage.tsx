import { useEffect, useMemo, useState } from 'react';
import { AGENDA_STATUSES, ASSET_KINDS, CATEGORIES, POPULATION_MODEL, type AgendaItem, type AreaSummary, type Buurtscan } from '@kwartier/shared';
import { listAgenda } from '../../api/agenda.ts';
import { boundsOf, getAreaFeature, getBuurtscan, getGaps, getIndicatorCatalogue, listGemeenten, type Gaps, type IndicatorCatalogue } from '../../api/buurtscan.ts';
import { useI18n } from '../../i18n/I18nContext.tsx';
import type { BuurtscanState } from '../../state/urlState.ts';
import type { Choropleth } from '../map/MapView.tsx';
import { CLASS_METHODS, NO_VALUE_COLOUR, classBreaks, classColours, classIndex, type ClassMethod } from './classes.ts';
import { formatCount, formatDate, formatRange, formatValue, toCsv } from './format.ts';

const LEIDEN = 'GM0546';
const DEFAULT_INDICATOR = 'assets_per_1000';

type SortKey = 'name' | 'inhabitants' | 'value';
type Sort = { key: SortKey; direction: 'ascending' | 'descending' };

type Props = {
  state: BuurtscanState;
  onChange: (change: Partial<BuurtscanState>, mode?: 'push' | 'replace') => void;
  /** The buurt outlined on the map and in the table; a click on the map chooses it too. */
  selected: string | null;
  onSelect: (code: string | null) => void;
  onChoropleth: (choropleth: Choropleth | null) => void;
  onFit: (bounds: [number, number, number, number]) => void;
  /** The drawn map as an image, for the print view. */
  mapImage: string | null;
  /** Opens the wijkanalyse of a wijk. */
  onOpenWijk?: (wijk: string) => void;
};

/** Loads while `key` is the same; an answer to an older key is dropped. */
function useLoad<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): { data: T | null; error: boolean; loading: boolean } {
  const [result, setResult] = useState<{ key: string; data: T | null; error: boolean } | null>(null);
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => setResult({ key, data, error: false }),
      (err: unknown) => {
        if ((err as Error).name !== 'AbortError') setResult({ key, data: null, error: true });
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const current = result !== null && result.key === key;
  return { data: current ? result.data : null, error: current ? result.error : false, loading: key !== null && !current };
}

export function BuurtscanPage({ state, onChange, selected, onSelect, onChoropleth, onFit, mapImage, onOpenWijk }: Props) {
  const { t, language, label } = useI18n();
  const tb = t.buurtscan;
  const catalogue = useLoad<IndicatorCatalogue>('catalogue', getIndicatorCatalogue);
  const gemeenten = useLoad<AreaSummary[]>('gemeenten', (signal) => listGemeenten(signal).then((list) => [...list.items].sort((a, b) => a.name.localeCompare(b.name, 'nl'))));

  const gemeente = state.gemeente ?? (gemeenten.data ? (gemeenten.data.find((g) => g.code === LEIDEN) ?? gemeenten.data[0])?.code ?? null : null);
  const indicators = catalogue.data?.indicators ?? [];
  const indicator = indicators.find((i) => i.code === state.indicator) ?? indicators.find((i) => i.code === DEFAULT_INDICATOR) ?? indicators[0] ?? null;
  const gemeenteName = gemeenten.data?.find((g) => g.code === gemeente)?.name ?? gemeente ?? '';

  // The URL names what is shown, also when it came from a default.
  useEffect(() => {
    if (gemeente && indicator && (state.gemeente !== gemeente || state.indicator !== indicator.code)) onChange({ gemeente, indicator: indicator.code }, 'replace');
  }, [gemeente, indicator, state.gemeente, state.indicator, onChange]);

  const scanKey = gemeente && indicator ? `${gemeente}|${indicator.code}` : null;
  const scan = useLoad<Buurtscan>(scanKey, (signal) => getBuurtscan('buurt', gemeente!, [indicator!.code], signal));
  const whole = useLoad<Buurtscan>(scanKey, (signal) => getBuurtscan('gemeente', gemeente!, [indicator!.code], signal));
  const boundary = useLoad(gemeente, (signal) => getAreaFeature(gemeente!, signal));
  // The report ends with what the gemeente is doing about it: its sociale wijkagenda.
  const agenda = useLoad<AgendaItem[]>(gemeente ? `agenda|${gemeente}` : null, (signal) => listAgenda(gemeente, null, signal).then((result) => result.items));

  useEffect(() => {
    if (boundary.data) onFit(boundsOf(boundary.data));
  }, [boundary.data, onFit]);

  const rows = useMemo(
    () => (scan.data && indicator ? scan.data.areas.map((area) => ({ code: area.code, name: area.name, inhabitants: area.inhabitants, value: area.values[indicator.code] ?? null })) : []),
    [scan.data, indicator],
  );
  const classes = useMemo(() => classBreaks(rows.map((row) => row.value), state.classes), [rows, state.classes]);
  const colours = classColours(classes.length);
  const colourOf = (value: number | null) => {
    const index = classIndex(value, classes);
    return index === null ? NO_VALUE_COLOUR : colours[index]!;
  };

  const choropleth = useMemo<Choropleth | null>(() => {
    if (rows.length === 0) return null;
    const cls = classColours(classes.length);
    return {
      colours: Object.fromEntries(rows.map((row) => {
        const index = classIndex(row.value, classes);
        return [row.code, index === null ? NO_VALUE_COLOUR : cls[index]!];
      })),
      selected,
    };
  }, [rows, classes, selected]);
  useEffect(() => onChoropleth(choropleth), [choropleth, onChoropleth]);
  useEffect(() => () => onChoropleth(null), [onChoropleth]);

  const [sort, setSort] = useState<Sort>({ key: 'value', direction: 'descending' });
  const sorted = useMemo(() => {
    const factor = sort.direction === 'ascending' ? 1 : -1;
    return [...rows].sort((a, b) => {
      if (sort.key === 'name') return factor * a.name.localeCompare(b.name, 'nl');
      const [x, y] = sort.key === 'value' ? [a.value, b.value] : [a.inhabitants, b.inhabitants];
      // No value goes last, whichever way the column is sorted.
      if (x === null || y === null) return x === y ? a.name.localeCompare(b.name, 'nl') : x === null ? 1 : -1;
      return factor * (x - y) || a.name.localeCompare(b.name, 'nl');
    });
  }, [rows, sort]);
  const sortBy = (key: SortKey) =>
    setSort((current) => ({ key, direction: current.key === key ? (current.direction === 'ascending' ? 'descending' : 'ascending') : key === 'name' ? 'ascending' : 'descending' }));

  // A buurt chosen on the map: its row comes into view.
  useEffect(() => {
    if (selected) document.querySelector(`.buurtscan-table tr[data-code="${selected}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const [compareWith, setCompareWith] = useState<string>('gemeente');
  const compareA = rows.find((row) => row.code === selected) ?? null;
  const compareB = compareWith === 'gemeente'
    ? { name: tb.theGemeente(gemeenteName), value: indicator ? (whole.data?.areas[0]?.values[indicator.code] ?? null) : null, inhabitants: whole.data?.areas[0]?.inhabitants ?? null }
    : rows.find((row) => row.code === compareWith) ?? null;

  // Gaps: buurten with no asset of a kind or category within a distance. Asked for only once chosen.
  const [gapWhat, setGapWhat] = useState('');
  const [gapDistance, setGapDistance] = useState(1000);
  const gaps = useLoad<Gaps>(gemeente && gapWhat ? `${gemeente}|${gapWhat}|${gapDistance}` : null, (signal) => {
    const [type, code] = gapWhat.split(':') as ['kind' | 'category', string];
    return getGaps(gemeente!, { [type]: code }, gapDistance, signal);
  });

  const unit = indicator?.unit ?? 'per_1000';
  const unitLabel = indicator ? label(indicator.unitLabel) : '';
  const isShare = unit !== 'per_1000';
  const valueHeading = `${indicator ? label(indicator.label) : tb.value} (${isShare ? '%' : unitLabel})`;
  const valueUnit = isShare ? '%' : unitLabel;

  const downloadCsv = () => {
    if (!indicator) return;
    const csv = toCsv(
      [tb.code, tb.buurt, tb.inhabitants, valueHeading],
      sorted.map((row) => [row.code, row.name, row.inhabitants, row.value === null ? null : isShare ? Math.round(row.value * 10_000) / 100 : Math.round(row.value * 100) / 100]),
      language,
    );
    const url = URL.createObjectURL(new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `buurtscan-${gemeente}-${indicator.code}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const groups = catalogue.data?.groups ?? [];
  const failed = catalogue.error || gemeenten.error || scan.error;
  const isReach = indicator?.group === 'reach';

  const legend = (
    <figure className="legend" aria-labelledby="legend-title" data-testid="buurtscan-legend">
      <figcaption id="legend-title">{tb.legend}{indicator ? ` · ${label(indicator.label)}` : ''}</figcaption>
      <ul>
        {classes.map((range, i) => (
          <li key={`${range.from}-${range.to}`} data-testid="legend-class">
            <span className="legend-swatch" style={{ background: colours[i] }} aria-hidden="true" />
            {formatRange(range, unit, language)}
          </li>
        ))}
        <li data-testid="legend-no-value">
          <span className="legend-swatch" style={{ background: NO_VALUE_COLOUR }} aria-hidden="true" />
          {tb.noValue}
        </li>
      </ul>
      {!isShare && indicator ? <p className="hint">{unitLabel}</p> : null}
      {classes.length > 0 && classes.length < 5 ? <p className="hint">{tb.fewerClasses}</p> : null}
    </figure>
  );

  return (
    <section className="page buurtscan" aria-labelledby="buurtscan-title">
      <h2 id="buurtscan-title">{tb.title}{gemeenteName ? ` · ${gemeenteName}` : ''}</h2>
      <p className="print-only buurtscan-print-indicator">{indicator ? `${label(indicator.label)} (${unitLabel})` : ''}</p>
      <p className="hint screen-only">{tb.intro}</p>
      {failed ? <p className="message error" role="alert">{t.serverDown}</p> : null}

      <div className="buurtscan-controls">
        <label className="field">
          <span>{tb.gemeente}</span>
          <select value={gemeente ?? ''} onChange={(event) => { onSelect(null); onChange({ gemeente: event.target.value }); }} disabled={!gemeenten.data}>
            {gemeenten.data?.map((g) => <option key={g.code} value={g.code}>{g.name}</option>)}
          </select>
        </label>
        <label className="field">
          <span>{tb.indicator}</span>
          <select value={indicator?.code ?? ''} onChange={(event) => onChange({ indicator: event.target.value })} disabled={!catalogue.data}>
            {groups.map((group) => (
              <optgroup key={group.code} label={label(group.label)}>
                {indicators.filter((i) => i.group === group.code).map((i) => <option key={i.code} value={i.code}>{label(i.label)}</option>)}
              </optgroup>
            ))}
          </select>
        </label>
        <fieldset className="checks-inline">
          <legend>{tb.classes}</legend>
          {CLASS_METHODS.map((method) => (
            <label key={method} className="check">
              <input type="radio" name="classes" value={method} checked={state.classes === method} onChange={() => onChange({ classes: method as ClassMethod })} />
              {tb.classMethods[method]}
            </label>
          ))}
        </fieldset>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => window.print()} disabled={!scan.data}>{tb.print}</button>
          <button type="button" className="secondary" onClick={downloadCsv} disabled={!scan.data}>{tb.csv}</button>
        </div>
        {/* The gemeente's assets themselves, as the viewer may see them (the server decides by role). */}
        {gemeente ? (
          <p className="hint">
            {tb.assetsDownload}{' '}
            <a href={`/api/assets.geojson?area=${encodeURIComponent(gemeente)}`} download>GeoJSON</a>
            {' · '}
            <a href={`/api/assets.csv?area=${encodeURIComponent(gemeente)}`} download>CSV</a>
          </p>
        ) : null}
      </div>

      {mapImage && scan.data ? <img className="print-only buurtscan-map-image" src={mapImage} alt={`${tb.title} ${gemeenteName}`} /> : null}

      {scan.loading ? <p className="message" role="status"><span className="spinner" aria-hidden="true" /> {tb.computing}</p> : null}
      {scan.data && classes.length === 0 ? <p className="message">{tb.noValues}</p> : null}
      {scan.data ? legend : null}

      {indicator ? (
        <dl className="facts method">
          <dt>{tb.description}</dt>
          <dd>{label(indicator.description)}</dd>
          <dt>{tb.formula}</dt>
          <dd>{label(indicator.formula)}</dd>
          <dt>{tb.unit}</dt>
          <dd>{unitLabel}</dd>
          <dt>{tb.classes}</dt>
          <dd>{tb.classMethods[state.classes]}</dd>
          {isReach && !label(indicator.description).includes(label(POPULATION_MODEL).slice(0, 40)) ? (
            <>
              <dt>{tb.populationModel}</dt>
              <dd>{label(POPULATION_MODEL)}</dd>
            </>
          ) : null}
        </dl>
      ) : null}

      {scan.data && rows.length > 0 ? (
        <>
          <section className={compareA ? 'compare' : 'compare empty'} aria-labelledby="compare-title">
            <h3 id="compare-title">{tb.compare}</h3>
            <div className="inline-fields">
              <label>
                <span>{tb.compareA}</span>
                <select value={selected ?? ''} onChange={(event) => onSelect(event.target.value || null)}>
                  <option value="">{tb.chooseBuurt}</option>
                  {[...rows].sort((a, b) => a.name.localeCompare(b.name, 'nl')).map((row) => <option key={row.code} value={row.code}>{row.name}</option>)}
                </select>
              </label>
              <label>
                <span>{tb.compareB}</span>
                <select value={compareWith} onChange={(event) => setCompareWith(event.target.value)}>
                  <option value="gemeente">{tb.theGemeente(gemeenteName)}</option>
                  {[...rows].sort((a, b) => a.name.localeCompare(b.name, 'nl')).map((row) => <option key={row.code} value={row.code}>{row.name}</option>)}
                </select>
              </label>
            </div>
            <div className="compare-cards" data-testid="compare">
              {[compareA, compareB].map((side, i) => (
                <div key={i} className="compare-card">
                  <span className="compare-name">{side?.name ?? tb.chooseBuurt}</span>
                  <span className="compare-value">{side ? formatValue(side.value, unit, language) : '–'}</span>
                  <span className="meta">{side && side.inhabitants !== null ? `${formatCount(side.inhabitants, language)} ${tb.inhabitants.toLowerCase()}` : '\u00a0'}</span>
                </div>
              ))}
            </div>
            {compareA && /^BU\d{8}$/.test(compareA.code) && onOpenWijk ? (
              <p className="screen-only">
                <a
                  href={`?page=wijk&wijk=WK${compareA.code.slice(2, 8)}`}
                  data-testid="open-wijk"
                  onClick={(event) => {
                    event.preventDefault();
                    onOpenWijk(`WK${compareA.code.slice(2, 8)}`);
                  }}
                >{t.wijk.openWijk} →</a>
              </p>
            ) : null}
          </section>

          <section className="gaps screen-only" aria-labelledby="gaps-title">
            <h3 id="gaps-title">{tb.gaps}</h3>
            <div className="inline-fields">
              <label className="grow">
                <span>{tb.gapsWhat}</span>
                <select value={gapWhat} onChange={(event) => setGapWhat(event.target.value)}>
                  <option value="">{tb.gapsChoose}</option>
                  <optgroup label={t.kind}>
                    {ASSET_KINDS.map((kind) => <option key={kind.code} value={`kind:${kind.code}`}>{label(kind.label)}</option>)}
                  </optgroup>
                  <optgroup label={t.category}>
                    {CATEGORIES.map((category) => <option key={category.code} value={`category:${category.code}`}>{label(category.label)}</option>)}
                  </optgroup>
                </select>
              </label>
              <label>
                <span>{tb.gapsDistance}</span>
                <select value={gapDistance} onChange={(event) => setGapDistance(Number(event.target.value))}>
                  {[500, 1000, 2000].map((meters) => <option key={meters} value={meters}>{t.distance(meters)}</option>)}
                </select>
              </label>
            </div>
            {gaps.loading ? <p className="message" role="status"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
            {gaps.error ? <p className="message error">{t.serverDown}</p> : null}
            {gaps.data ? (
              gaps.data.buurten.length === 0 ? <p className="hint">{tb.gapsNone}</p> : (
                <ul className="gaps-list" data-testid="gaps">
                  {gaps.data.buurten.map((buurt) => (
                    <li key={buurt.code}>
                      <button type="button" className="link" onClick={() => onSelect(buurt.code)}>{buurt.name}</button>
                      <span className="meta">
                        {' '}· {formatCount(buurt.inhabitants, language)} {tb.inhabitants.toLowerCase()}
                        {buurt.nearestMeters !== null ? ` · ${tb.gapsNearest(t.distance(buurt.nearestMeters))}` : ''}
                      </span>
                    </li>
                  ))}
                </ul>
              )
            ) : null}
          </section>

          <h3 id="buurtscan-table-title">{tb.table} ({rows.length})</h3>
          <table className="buurtscan-table" aria-labelledby="buurtscan-table-title" data-testid="buurtscan-table">
            <thead>
              <tr>
                {([['name', tb.buurt], ['inhabitants', tb.inhabitants], ['value', tb.value]] as const).map(([key, heading]) => (
                  <th key={key} scope="col" aria-sort={sort.key === key ? sort.direction : 'none'} className={key === 'name' ? undefined : 'number'}>
                    <button type="button" onClick={() => sortBy(key)} title={tb.sortBy(key === 'value' ? valueHeading : heading)}>
                      {heading}
                      {key === 'value' ? <span className="unit"> ({valueUnit})</span> : null}
                      <span aria-hidden="true" className="sort-mark">{sort.key === key ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ''}</span>
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sorted.map((row) => (
                <tr
                  key={row.code}
                  data-code={row.code}
                  className={row.code === selected ? 'selected' : undefined}
                  aria-selected={row.code === selected}
                  tabIndex={0}
                  onClick={() => onSelect(row.code === selected ? null : row.code)}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      onSelect(row.code === selected ? null : row.code);
                    }
                  }}
                >
                  <td><span className="buurt-name"><span className="legend-swatch" style={{ background: colourOf(row.value) }} aria-hidden="true" />{row.name}</span></td>
                  <td className="number">{formatCount(row.inhabitants, language)}</td>
                  <td className="number">{formatValue(row.value, unit, language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="source">
            {tb.source}
            <br />
            {tb.dataDate(scan.data.year === null ? tb.unknownYear : String(scan.data.year), formatDate(scan.data.computedAt, language))}
          </p>
        </>
      ) : null}

      <section className="print-only agenda-print" aria-labelledby="agenda-print-title" data-testid="print-agenda">
        <h3 id="agenda-print-title">{tb.agenda}</h3>
        {agenda.error ? <p>{tb.agendaFailed}</p> : null}
        {agenda.data && agenda.data.length === 0 ? <p>{tb.agendaNone}</p> : null}
        {agenda.data && agenda.data.length > 0 ? (
          <>
            <p className="agenda-print-intro">{tb.agendaIntro(gemeenteName)}</p>
            <table className="agenda-print-table">
              <colgroup>
                <col className="agenda-col-title" />
                <col className="agenda-col-area" />
                <col className="agenda-col-status" />
                <col className="agenda-col-owner" />
                <col className="agenda-col-due" />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">{t.agenda.itemTitle}</th>
                  <th scope="col">{tb.agendaArea}</th>
                  <th scope="col">{t.agenda.status}</th>
                  <th scope="col">{t.agenda.owner}</th>
                  <th scope="col">{t.agenda.due}</th>
                </tr>
              </thead>
              <tbody>
                {agenda.data.map((item) => {
                  const status = AGENDA_STATUSES.find((candidate) => candidate.code === item.status);
                  return (
                    <tr key={item.id}>
                      <td>{item.title}</td>
                      <td>{item.areaName ?? item.areaCode}</td>
                      <td>{status ? label(status.label) : item.status}</td>
                      <td>{item.ownerOrganisation || '–'}</td>
                      <td className="agenda-due">{item.dueDate ? formatDate(item.dueDate, language) : '–'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </>
        ) : null}
      </section>
    </section>
  );
}
