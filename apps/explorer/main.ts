import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './explorer.css';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { createElement as h, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { FETCHES_PLUGIN } from './fetches-pane.js';
import { fetchGraphQL } from './gateway.js';
import { usePageSession } from './session.js';
import { TokenBar } from './token-bar.js';

/**
 * The bizgraph explorer: GraphiQL (from npm, bundled by Vite at build time, nothing from a CDN)
 * against this gateway's own `/graphql`, with a token bar on top. The token lives in this tab's
 * sessionStorage only and goes out as `Authorization: Bearer …`.
 */

const TOKEN_KEY = 'bizgraph.explorer.token';

// The README's first query: one customer across four systems.
const DEFAULT_QUERY = `# One customer across the CRM, the ERP, billing and the support desk.
query CustomerOverview {
  customer(id: "cus_0001") {
    name
    email
    orders(first: 3) {
      nodes {
        number
        status
        total { amount currency }
        invoice { number status }
      }
    }
    tickets(first: 3) { nodes { subject status } }
    balance { amount currency }
  }
}
`;

function Explorer() {
  const { token, setToken, config } = usePageSession(TOKEN_KEY);
  return h(
    'div',
    { className: 'bizgraph-explorer' },
    h(TokenBar, { token, config, onToken: setToken }),
    // Keyed by the token: a new token re-reads the schema the way that token sees it.
    h(
      'div',
      { className: 'bizgraph-explorer-ide' },
      h(GraphiQL, {
        key: token,
        fetcher: (params, options) => fetchGraphQL(params, options?.headers, token),
        defaultQuery: DEFAULT_QUERY,
        plugins: [HISTORY_PLUGIN, FETCHES_PLUGIN],
      }),
    ),
  );
}

createRoot(document.getElementById('explorer')!).render(h(StrictMode, null, h(Explorer)));
