import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig } from 'vite';

// The dashboard is a Remix v2 app under dashboard/app, served by the same Express process as the API.
export default defineConfig({
  plugins: [
    remix({
      appDirectory: 'dashboard/app',
      buildDirectory: 'build',
      ignoredRouteFiles: ['**/*.test.ts', '**/*.css'],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: true,
      },
    }),
  ],
  resolve: { alias: { '~': '/dashboard/app' } },
  build: { target: 'es2022' },
  server: { hmr: { port: 24678 } },
});
