import '../explorer.css';
import './report.css';
import { createElement as h, StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { usePageSession } from '../session.js';
import { TokenBar } from '../token-bar.js';
import { AgingPage } from './aging-page.js';
import { CustomersAtRiskPage } from './customers-at-risk-page.js';
import { OrderToCashPage } from './order-to-cash-page.js';
import { RevenuePage } from './revenue-page.js';

/**
 * The executive report (`/report`): a consumer of the API like any other, with the typed operations
 * of schema/operations/reporting/ and the token in the bar on top. Four pages, each in the URL's
 * hash so a link opens one: revenue by month, receivables aging, order-to-cash, customers at risk.
 */

const TOKEN_KEY = 'bizgraph.report.token';

const PAGES = [
  { hash: 'revenue', title: 'Revenue by month', render: RevenuePage },
  { hash: 'aging', title: 'Receivables aging', render: AgingPage },
  { hash: 'order-to-cash', title: 'Order-to-cash', render: OrderToCashPage },
  { hash: 'customers-at-risk', title: 'Customers at risk', render: CustomersAtRiskPage },
] as const;

function currentHash(): string {
  const hash = window.location.hash.slice(1);
  return PAGES.some((page) => page.hash === hash) ? hash : PAGES[0].hash;
}

function Report() {
  const { token, setToken, config } = usePageSession(TOKEN_KEY);
  const [hash, setHash] = useState(currentHash);
  useEffect(() => {
    const follow = () => setHash(currentHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  const page = PAGES.find((candidate) => candidate.hash === hash) ?? PAGES[0];
  return h(
    'div',
    { className: 'report' },
    h(TokenBar, { token, config, onToken: setToken }),
    h(
      'header',
      { className: 'report-header' },
      h('h1', null, 'Executive report'),
      h(
        'nav',
        { 'aria-label': 'Report pages' },
        ...PAGES.map((candidate) => h('a', { key: candidate.hash, href: `#${candidate.hash}`, 'aria-current': candidate.hash === hash ? 'page' : undefined }, candidate.title)),
      ),
    ),
    h('main', null, h('h1', { className: 'report-page-title' }, page.title), h(page.render, { key: page.hash, token })),
  );
}

createRoot(document.getElementById('report')!).render(h(StrictMode, null, h(Report)));
