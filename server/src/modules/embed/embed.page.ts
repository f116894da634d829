import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WEB_DIST } from '../../lib/web-build.ts';
import type { EmbedLanguage } from './embed.schema.ts';

export type ParameterProblem = { parameter: string; message: string };

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The built embed page with the language on its <html> element, which the page reads: the
 * server and the page then agree on it. Null when the web app has not been built.
 */
export async function embedPage(language: EmbedLanguage): Promise<string | null> {
  try {
    const html = await readFile(path.join(WEB_DIST, 'embed.html'), 'utf8');
    return html.replace(/<html lang="[a-z-]*"/i, `<html lang="${language}"`);
  } catch {
    return null;
  }
}

const texts = {
  nl: {
    title: 'Deze kaart kan niet worden getoond',
    intro: 'De insluitcode van deze kaart bevat een fout:',
    fix: 'Maak de code opnieuw in Kwartier, via “Insluiten” onder de resultaten.',
    unbuilt: 'De kaart is nog niet beschikbaar: de webapp is niet gebouwd.',
  },
  en: {
    title: 'This map cannot be shown',
    intro: 'The embed code of this map has an error:',
    fix: 'Make the code again in Kwartier, with “Embed” under the results.',
    unbuilt: 'The map is not available yet: the web app has not been built.',
  },
} as const;

/** A small page in the frame itself, so the person who pasted the code sees what to fix. */
export function errorPage(language: EmbedLanguage, problems: ParameterProblem[]): string {
  const t = texts[language];
  const items = problems.map((p) => `<li><code>${escapeHtml(p.parameter)}</code>: ${escapeHtml(p.message)}</li>`).join('');
  return page(language, t.title, `<p>${t.intro}</p><ul>${items}</ul><p>${t.fix}</p>`);
}

export function unavailablePage(language: EmbedLanguage): string {
  return page(language, texts[language].title, `<p>${texts[language].unbuilt}</p>`);
}

function page(language: EmbedLanguage, title: string, body: string): string {
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>` +
    '<style>body{font:15px/1.45 system-ui,sans-serif;margin:0;padding:12px 16px;color:#1a1a1a;background:#fff}h1{font-size:17px;color:#8a1c1c;margin:0 0 8px}code{background:#f1efe8;padding:0 3px}</style>' +
    `</head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}
