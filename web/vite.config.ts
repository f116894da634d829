import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** In development Vite serves the app and hands the API and tiles to the server on :3000. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
  server: {
    port: 5173,
    proxy: { '/api': 'http://localhost:3000', '/tiles': 'http://localhost:3000' },
  },
});
