import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import '../shared/base.css';
import { AuthProvider } from '../shared/auth';
import { loadCjkFallbackFont } from '../shared/cjk-font';
import { initI18n } from '../shared/i18n';
import { App } from './App';
import './console.css';

initI18n();
loadCjkFallbackFont();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter basename="/">
      <AuthProvider>
        <App />
      </AuthProvider>
    </BrowserRouter>
  </StrictMode>,
);
