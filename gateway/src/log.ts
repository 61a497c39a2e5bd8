/** One JSON line per event on stderr, like every other bizgraph process. */
export function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, service: 'gateway', msg, ...fields });
  if (level === 'info') console.log(line);
  else console.error(line);
}
