import { useEffect, useMemo, useState } from 'react';
import { ContainingResultSchema, type AreaSummary } from '@kwartier/shared';
import { request } from '../../api/client.ts';
import { useI18n } from '../../i18n/I18nContext.tsx';
import type { Filters, View } from '../../state/urlState.ts';
import './embed-code.css';

const WIDTHS = ['100%', '320', '480', '640', '800'] as const;
const HEIGHTS = ['400', '500', '600', '800'] as const;
type EmbedLanguage = 'visitor' | 'nl' | 'en';

/** The address of the embed for these filters, area and language (GET /embed on the server). */
export function embedUrl(origin: string, filters: Filters, area: string | null, language: EmbedLanguage): string {
  const params = new URLSearchParams();
  for (const key of ['kind', 'category', 'socialCapital', 'inclusion', 'targetGroup', 'characteristic'] as const) {
    if (filters[key].length > 0) params.set(key, filters[key].join(','));
  }
  if (area) params.set('area', area);
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.openNow) params.set('openNow', 'true');
  if (language !== 'visitor') params.set('lang', language);
  const query = params.toString().replace(/%2C/g, ',');
  return `${origin}/embed${query ? `?${query}` : ''}`;
}

const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * "Insluiten": the iframe code for the list as it stands, in an area around the map's centre,
 * with its size and language, and a live preview of it.
 */
export function EmbedCode({ filters, view }: { filters: Filters; view: View }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [areas, setAreas] = useState<AreaSummary[]>([]);
  const [area, setArea] = useState<string | null>(null);
  const [width, setWidth] = useState<(typeof WIDTHS)[number]>('100%');
  const [height, setHeight] = useState<(typeof HEIGHTS)[number]>('500');
  const [embedLanguage, setEmbedLanguage] = useState<EmbedLanguage>('visitor');
  const [copied, setCopied] = useState(false);

  // The gemeente, wijk and buurt at the map's centre, while the panel is open; the gemeente first chosen.
  const centre = `${view.lon.toFixed(3)},${view.lat.toFixed(3)}`;
  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    const [lon, lat] = centre.split(',');
    request(`/api/areas/containing?lon=${lon}&lat=${lat}`, ContainingResultSchema, { signal: controller.signal }).then(
      ({ items }) => {
        setAreas(items);
        setArea((chosen) => (chosen && items.some((a) => a.code === chosen) ? chosen : (items[0]?.code ?? null)));
      },
      () => {},
    );
    return () => controller.abort();
  }, [open, centre]);

  const src = useMemo(() => embedUrl(window.location.origin, filters, area, embedLanguage), [filters, area, embedLanguage]);
  const widthAttribute = width === '100%' ? '100%' : width;
  const code = `<iframe src="${escapeAttribute(src)}" title="${escapeAttribute(t.embed.frameTitle)}" width="${widthAttribute}" height="${height}" style="border:1px solid #d4d0c8;max-width:100%" loading="lazy"></iframe>`;
  const copy = () => {
    void navigator.clipboard?.writeText(code).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 2500);
    });
  };

  return (
    <details className="embed-code" onToggle={(event) => setOpen(event.currentTarget.open)} data-testid="embed-code">
      <summary>{t.embed.panelTitle}</summary>
      <p className="hint">{t.embed.panelIntro}</p>
      <div className="embed-code-options">
        <label>
          <span>{t.embed.area}</span>
          <select value={area ?? ''} onChange={(event) => setArea(event.target.value || null)}>
            {areas.map((a) => <option key={a.code} value={a.code}>{a.name} ({t.embed.levels[a.level] ?? a.level})</option>)}
            <option value="">{t.embed.noArea}</option>
          </select>
        </label>
        <label>
          <span>{t.embed.mapLanguage}</span>
          <select value={embedLanguage} onChange={(event) => setEmbedLanguage(event.target.value as EmbedLanguage)}>
            <option value="visitor">{t.embed.visitorLanguage}</option>
            <option value="nl">Nederlands</option>
            <option value="en">English</option>
          </select>
        </label>
        <label>
          <span>{t.embed.width}</span>
          <select value={width} onChange={(event) => setWidth(event.target.value as (typeof WIDTHS)[number])}>
            {WIDTHS.map((w) => <option key={w} value={w}>{w === '100%' ? t.embed.fullWidth : `${w} px`}</option>)}
          </select>
        </label>
        <label>
          <span>{t.embed.height}</span>
          <select value={height} onChange={(event) => setHeight(event.target.value as (typeof HEIGHTS)[number])}>
            {HEIGHTS.map((h) => <option key={h} value={h}>{`${h} px`}</option>)}
          </select>
        </label>
      </div>
      <label className="embed-code-text">
        <span>{t.embed.code}</span>
        <textarea readOnly value={code} rows={4} onFocus={(event) => event.currentTarget.select()} data-testid="embed-snippet" />
      </label>
      <button type="button" className="link" onClick={copy}>{copied ? t.embed.copied : t.embed.copy}</button>
      {open ? (
        <figure className="embed-code-preview">
          <figcaption>{t.embed.preview}</figcaption>
          <iframe src={src} title={t.embed.frameTitle} width={widthAttribute} height={height} style={{ border: '1px solid #d4d0c8', maxWidth: '100%' }} />
        </figure>
      ) : null}
    </details>
  );
}
