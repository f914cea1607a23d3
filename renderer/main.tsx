import './zod-setup.ts';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context.tsx';
import { createApiClient } from './api/client.ts';
import { forgetTokenInAddressBar, pickTransport } from './api/pick-transport.ts';
import { createQueryClient } from './api/queries.ts';
import { App } from './app.tsx';
import './styles/app.css';
import './styles/cards.css';
import './styles/forms.css';
import './styles/views.css';
import './styles/logs.css';
import './styles/automations.css';

const transport = pickTransport(window);
forgetTokenInAddressBar(window);
const client = createApiClient(transport);
const queryClient = createQueryClient();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ApiProvider client={client} transport={transport}>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </ApiProvider>
  </StrictMode>,
);
