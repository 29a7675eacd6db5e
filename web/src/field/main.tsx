import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import '../shared/base.css';
import { AuthProvider } from '../shared/auth';
import { loadCjkFallbackFont } from '../shared/cjk-font';
import { initI18n } from '../shared/i18n';
import { FieldApp } from './FieldApp';
import { OutboxBar } from './offline/OutboxBar';
import { registerFieldServiceWorker } from './offline/register-sw';
import './field.css';

initI18n();
loadCjkFallbackFont();
registerFieldServiceWorker();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter basename="/m">
      <AuthProvider offlineAware>
        <OutboxBar />
        <FieldApp />
      </AuthProvider>
    </BrowserRouter>
  </StrictMode>,
);
