import { z } from 'zod';
import { assetFilterFields } from '@kwartier/shared';

export const EMBED_LANGUAGES = ['nl', 'en'] as const;
export type EmbedLanguage = (typeof EMBED_LANGUAGES)[number];

const { kind, category, socialCapital, inclusion, targetGroup, characteristic, area, q, openNow } = assetFilterFields;

/**
 * What an embed code may fix: the public filters of the list and the map, the area, and the
 * language. Strict, so that a misspelt parameter ("kinds") is named instead of silently showing
 * everything on a library's website.
 */
export const EmbedQuerySchema = z
  .object({
    kind,
    category,
    socialCapital,
    inclusion,
    targetGroup,
    characteristic,
    area: area.refine((codes) => codes === undefined || codes.length <= 5, { message: 'at most 5 areas' }),
    q,
    openNow,
    lang: z.enum(EMBED_LANGUAGES).optional().describe('nl or en; without it, the browser’s language (Accept-Language), else Dutch'),
  })
  .strict();
export type EmbedQuery = z.infer<typeof EmbedQuerySchema>;

/** The first of Dutch or English the browser asks for, by its q-values; Dutch if neither. */
export function languageFromAcceptLanguage(header: string | undefined): EmbedLanguage {
  if (!header) return 'nl';
  const ranked = header
    .split(',')
    .slice(0, 30)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = qParam ? Number(qParam.slice(2)) : 1;
      return { primary: tag.trim().toLowerCase().split('-')[0], weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  const found = ranked.find((entry) => entry.primary === 'nl' || entry.primary === 'en');
  return (found?.primary as EmbedLanguage | undefined) ?? 'nl';
}
