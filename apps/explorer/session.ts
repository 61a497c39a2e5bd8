import { useEffect, useState } from 'react';
import { readExplorerConfig, type ExplorerConfig } from './gateway.js';

/**
 * What both pages keep: the token (this tab's sessionStorage only, under the page's own key) and
 * the gateway's explorer settings (development mode, mintable presets).
 */
export function usePageSession(tokenKey: string): { token: string; setToken(token: string): void; config: ExplorerConfig | undefined } {
  const [token, setState] = useState(() => sessionStorage.getItem(tokenKey) ?? '');
  const [config, setConfig] = useState<ExplorerConfig | undefined>();
  useEffect(() => {
    void readExplorerConfig().then(setConfig, () => setConfig({ development: false, presets: [] }));
  }, []);
  const setToken = (next: string) => {
    if (next) sessionStorage.setItem(tokenKey, next);
    else sessionStorage.removeItem(tokenKey);
    setState(next);
  };
  return { token, setToken, config };
}
