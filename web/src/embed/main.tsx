import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { EmbedApp } from './EmbedApp.tsx';
import { readEmbedState } from './embedState.ts';
import './embed.css';

const state = readEmbedState(window.location.search, document.documentElement.lang, navigator.languages);
document.documentElement.lang = state.language;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <EmbedApp state={state} />
  </StrictMode>,
);
