import { useEffect, useRef, useState } from 'react';
import { REACH_TARGETS, indicatorByCode, type AreaFeature, type Wijkanalyse } from '@kwartier/shared';
import { ApiError } from '../../api/client.ts';
import { boundsOf, getAreaFeature, getWijkanalyse } from '../../api/buurtscan.ts';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { generalMessage } from '../../components/forms.tsx';
import { formatCount, formatDate, formatValue } from '../buurtscan/format.ts';
import { WijkPlacements } from './WijkPlacements.tsx';

type Props = {
  /** The wijk code from the URL, or null when none was given. */
  code: string | null;
  onChange: (code: string) => void;
  onOpenAsset: (id: string) => void;
  onFit: (bounds: [number, number, number, number]) => void;
  /** The wijk's boundary, for the map to outline; null while there is none to show. */
  onOutline: (feature: AreaFeature | null) => void;
};

type Comparison = Wijkanalyse['strengths'][number];

/** Wijkanalyse: a wijk weighed against its gemeente, its white spots and the assets that carry it. */
export function WijkPage({ code, onChange, onOpenAsset, onFit, onOutline }: Props) {
  const { t, language, label } = useI18n();
  const tw = t.wijk;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  // Leaving the page takes the outline off the map.
  useEffect(() => () => onOutline(null), [onOutline]);
  const [input, setInput] = useState(code ?? '');
  const [analysis, setAnalysis] = useState<{ code: string; data: Wijkanalyse | null; error: string | null } | null>(null);

  useEffect(() => {
    if (!code) return;
    setInput(code);
    const controller = new AbortController();
    getWijkanalyse(code, controller.signal).then(
      (data) => setAnalysis({ code, data, error: null }),
      (err: unknown) => {
        if ((err as Error).name === 'AbortError') return;
        setAnalysis({ code, data: null, error: err instanceof ApiError && err.status === 404 ? tw.notFound : generalMessage(err, t) });
      },
    );
    // The map shows the wijk, outlined; a missing boundary leaves the map where it is.
    onOutline(null);
    getAreaFeature(code, controller.signal).then((feature) => {
      onOutline(feature);
      onFit(boundsOf(feature));
    }, () => undefined);
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [code]);

  const current = analysis && analysis.code === code ? analysis : null;
  const data = current?.data ?? null;

  const comparisons = (title: string, rows: Comparison[], testId: string) => (
    <section aria-label={title} data-testid={testId}>
      <h3>{title}</h3>
      {rows.length === 0 ? <p className="hint">{tw.none}</p> : (
        <table className="data-table">
          <thead><tr><th scope="col">{tw.indicator}</th><th scope="col" className="num">{tw.wijkValue}</th><th scope="col" className="num">{tw.gemeenteValue}</th></tr></thead>
          <tbody>
            {rows.map((row) => {
              const indicator = indicatorByCode(row.indicator);
              const unit = indicator?.unit ?? 'per_1000';
              return (
                <tr key={row.indicator}>
                  <td>{indicator ? label(indicator.label) : row.indicator}</td>
                  <td className="num">{formatValue(row.value, unit, language)}</td>
                  <td className="num">{formatValue(row.gemeenteValue, unit, language)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );

  return (
    <section className="page wijk" aria-labelledby="wijk-title">
      <h2 id="wijk-title" tabIndex={-1} ref={heading}>{data ? tw.open(data.wijk.name) : tw.title}</h2>
      <p className="hint">{tw.intro}</p>
      <form
        className="inline-fields"
        onSubmit={(event) => {
          event.preventDefault();
          const value = input.trim().toUpperCase();
          if (/^WK\d{6}$/.test(value)) onChange(value);
        }}
      >
        <label>
          <span>{tw.code}</span>
          <input type="text" className="short" value={input} pattern="[Ww][Kk][0-9]{6}" onChange={(event) => setInput(event.target.value)} />
        </label>
        <button type="submit">{tw.show}</button>
      </form>
      {!code ? <p className="hint">{tw.choose}</p> : null}
      {code && !current ? <p className="message" role="status"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
      {current?.error ? <p className="message error" role="alert">{current.error}</p> : null}
      {data ? (
        <>
          <p data-testid="wijk-summary">
            <strong>{data.wijk.name}</strong> ({data.wijk.code})
            {data.wijk.inhabitants !== null ? ` · ${tw.inhabitants(formatCount(data.wijk.inhabitants, language))}` : ''}
          </p>
          {comparisons(tw.strengths, data.strengths, 'wijk-strengths')}
          {comparisons(tw.weaknesses, data.weaknesses, 'wijk-weaknesses')}
          <section aria-labelledby="wijk-gaps">
            <h3 id="wijk-gaps">{tw.gaps}</h3>
            <p className="hint">{tw.gapsIntro}</p>
            {data.gaps.map((gap) => {
              const target = REACH_TARGETS.find((candidate) => candidate.code === gap.target);
              return (
                <div key={gap.target}>
                  <h4>{tw.without(target ? label(target.label) : gap.target)}</h4>
                  {gap.buurten.length === 0 ? <p className="hint">{tw.gapNone}</p> : (
                    <ul>
                      {gap.buurten.map((buurt) => (
                        <li key={buurt.code}>
                          {buurt.name}
                          {buurt.nearestMeters !== null ? <span className="hint"> · {tw.nearest(t.distance(Math.round(buurt.nearestMeters)))}</span> : null}
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              );
            })}
          </section>
          <section aria-labelledby="wijk-assets">
            <h3 id="wijk-assets">{tw.assets} ({data.assets.length})</h3>
            {data.assets.length === 0 ? <p className="hint">{tw.noAssets}</p> : (
              <ul className="wijk-assets">
                {data.assets.map((asset) => (
                  <li key={asset.id}>
                    <button type="button" className="link" data-asset-id={asset.id} onClick={() => onOpenAsset(asset.id)}>{asset.name}</button>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <WijkPlacements wijk={data.wijk.code} gemeente={data.wijk.gemeenteCode} />
          <p className="hint">{tw.computedAt(formatDate(data.computedAt, language))}</p>
        </>
      ) : null}
    </section>
  );
}
