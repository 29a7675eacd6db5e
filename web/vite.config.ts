import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));
const VENDOR = /\/node_modules\/(react|react-dom|react-router|react-router-dom|scheduler|i18next|react-i18next|use-sync-external-store|cookie|set-cookie-parser)\//;

/**
 * Four entries of one UI codebase: the console (/), the phone-first field app (/m), the citizens'
 * report page (/report) and the 一网通办 public pages (/point/{code}, /rate/{token}).
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    manifest: true,
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      input: {
        console: path.join(root, 'index.html'),
        field: path.join(root, 'm.html'),
        report: path.join(root, 'report.html'),
        point: path.join(root, 'point.html'),
      },
      output: {
        // Readable chunk names; Leaflet, supercluster and the map module stay in their lazy chunk.
        manualChunks(id) {
          if (id.includes('/node_modules/leaflet/') || id.includes('/node_modules/supercluster/') || id.includes('/node_modules/kdbush/') || id.includes('/shared/map/leaflet-view') || id.includes('/shared/map/clusters') || id.includes('/shared/map/basemap-data')) return undefined;
          // ECharts (and its renderer zrender) load with the dashboard only.
          if (id.includes('/node_modules/echarts/') || id.includes('/node_modules/zrender/') || id.includes('/console/dashboard/echarts-setup')) return undefined;
          // Only the core every page needs goes to "vendor"; other libraries are left to Rollup,
          // which keeps a dynamically imported one (Leaflet, ECharts, …) out of the initial JS.
          if (VENDOR.test(id)) return 'vendor';
          // Strings only one app shows (or only lazily loaded pages) stay with that code, not in every app's first load.
          if (/\/web\/src\/shared\/i18n\/(console|dashboard|public-point|enforcement|field-map|services-console|services-window|homes|sources|public-report|timeline)\./.test(id)) return undefined;
          // The QR code drawer is for the 一网通办 pages only (its encoder is a lazy chunk of its own).
          if (id.includes('/web/src/shared/QrCode')) return undefined;
          // The case timeline and before/after photos: the console's case detail and the field app's lazy task page.
          if (id.includes('/web/src/shared/case-timeline/')) return undefined;
          // Excel import reasons are the console's only.
          if (id.includes('/web/src/shared/field-reasons-import') || id.includes('/web/src/shared/field-reasons-cells')) return undefined;
          // The date and time inputs go with the pages that use them (the field app loads them lazily), their picker on first use.
          if (id.includes('/web/src/shared/date-input/') || id.includes('/web/src/shared/i18n/dates')) return undefined;
          if (id.includes('/web/src/shared/')) return 'shared';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
