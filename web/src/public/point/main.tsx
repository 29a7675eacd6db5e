import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../../shared/base.css';
import { loadCjkFallbackFont } from '../../shared/cjk-font';
import { initI18n } from '../../shared/i18n';
import '../../shared/i18n/public-point';
import '../public.css';
import './point.css';
import { PointApp } from './PointApp';

initI18n();
loadCjkFallbackFont();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PointApp />
  </StrictMode>,
);
