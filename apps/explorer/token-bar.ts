import { createElement as h, useState } from 'react';
import { mintDevToken, type ExplorerConfig } from './gateway.js';

interface TokenBarProps {
  token: string;
  config: ExplorerConfig | undefined;
  onToken(token: string): void;
}

/** Paste a JWT, or (in development) mint one for a preset; shows who the token says it is. */
export function TokenBar({ token, config, onToken }: TokenBarProps) {
  const [draft, setDraft] = useState(token);
  const [preset, setPreset] = useState('');
  const [problem, setProblem] = useState('');
  const mint = async () => {
    setProblem('');
    try {
      const minted = await mintDevToken(preset);
      setDraft(minted);
      onToken(minted);
    } catch (error) {
      setProblem(`could not mint a token: ${(error as Error).message}`);
    }
  };
  const claims = describeToken(token);
  return h(
    'form',
    {
      className: 'bizgraph-token-bar',
      onSubmit: (event: { preventDefault(): void }) => {
        event.preventDefault();
        onToken(draft.trim());
      },
    },
    h('strong', null, 'bizgraph'),
    h('label', { htmlFor: 'bizgraph-token' }, 'Token'),
    h('input', {
      id: 'bizgraph-token',
      name: 'token',
      value: draft,
      placeholder: 'paste a JWT (sent as Authorization: Bearer …)',
      autoComplete: 'off',
      spellCheck: false,
      onChange: (event: { target: { value: string } }) => setDraft(event.target.value),
    }),
    h('button', { type: 'submit' }, 'Use token'),
    token ? h('button', { type: 'button', onClick: () => (setDraft(''), onToken('')) }, 'Clear') : null,
    config?.development && config.presets.length > 0
      ? h(
          'span',
          { className: 'bizgraph-presets' },
          h('label', { htmlFor: 'bizgraph-preset' }, 'Dev preset'),
          h(
            'select',
            { id: 'bizgraph-preset', value: preset, onChange: (event: { target: { value: string } }) => setPreset(event.target.value) },
            h('option', { value: '' }, 'choose…'),
            ...config.presets.map((name) => h('option', { key: name, value: name }, name)),
          ),
          h('button', { type: 'button', disabled: !preset, onClick: () => void mint() }, 'Mint'),
        )
      : null,
    h('span', { className: 'bizgraph-token-claims', role: 'status' }, problem || claims),
  );
}

/** `sub · scopes` from the token's payload, decoded for display only (the gateway verifies it). */
function describeToken(token: string): string {
  if (!token) return 'no token: anonymous';
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: string; scope?: string; scp?: string[] };
    const scopes = payload.scope ?? payload.scp?.join(' ') ?? '';
    return `${payload.sub ?? 'unknown subject'} · ${scopes || 'no scopes'}`;
  } catch {
    return 'not a JWT';
  }
}
