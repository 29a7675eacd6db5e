import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/base.css';
import { loadCjkFallbackFont } from '../shared/cjk-font';
import { initI18n } from '../shared/i18n';
import '../shared/i18n/public-report';
import { PublicApp } from './PublicApp';
import './public.css';

initI18n();
loadCjkFallbackFont();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PublicApp />
  </StrictMode>,
);
