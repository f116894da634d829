import { createContext, useContext } from 'react';
import type { Label } from '@kwartier/shared';
import { CATALOGUES, type Catalogue, type Language } from './catalogue.ts';

export type I18n = { language: Language; t: Catalogue; label: (label: Label) => string };

export function i18nFor(language: Language): I18n {
  return { language, t: CATALOGUES[language], label: (label) => label[language] };
}

export const I18nContext = createContext<I18n>(i18nFor('nl'));
export const useI18n = () => useContext(I18nContext);
