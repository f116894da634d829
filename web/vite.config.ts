import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** Two pages: the app, and the embeddable map that GET /embed serves (src/embed). */
const PAGES = { main: path.join(import.meta.dirname, 'index.html'), embed: path.join(import.meta.dirname, 'embed.html') };
/** MapLibre, which both pages load, in a chunk of its own: the shared chunk stays under the size warning. */
const MAPLIBRE_CHUNK = { name: 'maplibre', test: /[\\/]node_modules[\\/]maplibre-gl[\\/]/ };

/** In development Vite serves the app and hands the API and tiles to the server on :3000. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500, rolldownOptions: { input: PAGES, output: { codeSplitting: { groups: [MAPLIBRE_CHUNK] } } } },
  server: {
    port: 5173,
    proxy: { '/api': 'http://localhost:3000', '/tiles': 'http://localhost:3000' },
  },
});
