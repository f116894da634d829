import { useEffect, useState } from 'react';
import { HELD_BACK, PLACED_LABEL, SMALL, SMALL_COUNT_NOTE, type Placements } from '@kwartier/shared';
import { getPlacements } from '../../api/buurtscan.ts';
import { useI18n } from '../../i18n/I18nContext.tsx';
import { generalMessage } from '../../components/forms.tsx';
import { formatCount } from '../buurtscan/format.ts';

type Count = Placements['buurten'][number]['count'];

/**
 * People placed from sheltered housing and shelter in the wijk and its buurten: a small table,
 * never a map colour. The public sees small counts suppressed as the server sends them.
 */
export function WijkPlacements({ wijk, gemeente }: { wijk: string; gemeente: string }) {
  const { t, language, label } = useI18n();
  const tw = t.wijk;
  const [answer, setAnswer] = useState<{ key: string; data: Placements | null; error: string | null } | null>(null);
  const key = `${gemeente}/${wijk}`;

  useEffect(() => {
    const controller = new AbortController();
    getPlacements(gemeente, controller.signal).then(
      (data) => setAnswer({ key, data, error: null }),
      (err: unknown) => {
        if ((err as Error).name !== 'AbortError') setAnswer({ key, data: null, error: generalMessage(err, t) });
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const current = answer?.key === key ? answer : null;
  const data = current?.data ?? null;
  const show = (count: Count) =>
    count === null ? <abbr title={tw.placedNone}>–</abbr>
    : count === HELD_BACK ? <abbr title={tw.placedHeldBack}>•</abbr>
    : count === SMALL ? <abbr title={tw.placedSmall}>{SMALL}</abbr>
    : formatCount(count, language);

  const wijkCount = data?.wijken.find((area) => area.code === wijk)?.count ?? null;
  const buurten = (data?.buurten ?? []).filter((buurt) => buurt.wijkCode === wijk).sort((a, b) => a.name.localeCompare(b.name, language));
  const noneEntered = wijkCount === null && buurten.every((buurt) => buurt.count === null);

  return (
    <section className="placements" aria-labelledby="wijk-placed" data-testid="wijk-placements">
      <h3 id="wijk-placed">{label(PLACED_LABEL)}</h3>
      {!current ? <p className="hint" role="status"><span className="spinner" aria-hidden="true" /> {t.loading}</p> : null}
      {current?.error ? <p className="message error" role="alert">{current.error}</p> : null}
      {data ? (
        noneEntered ? <p className="hint" data-testid="placed-none">{tw.placedNoFigures}</p> : (
          <>
            <p data-testid="placed-wijk">{tw.placedWijk}: <strong>{show(wijkCount)}</strong></p>
            <table className="data-table placements-table">
              <thead><tr><th scope="col">{tw.placedBuurt}</th><th scope="col" className="num">{tw.placedCount}</th></tr></thead>
              <tbody>
                {buurten.map((buurt) => (
                  <tr key={buurt.code} data-code={buurt.code}>
                    <td>{buurt.name}</td>
                    <td className="num">{show(buurt.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="hint" data-testid="placed-note">{data.exact ? tw.placedExact : label(SMALL_COUNT_NOTE)}</p>
          </>
        )
      ) : null}
    </section>
  );
}
