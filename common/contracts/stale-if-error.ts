/**
 * The stale-if-error marker, a contract between subgraphs and gateway: one entity a subgraph served
 * from its cache because its system failed. Subgraphs put these in their response's
 * `extensions.staleIfError`; the gateway gathers them into the client's answer under the same name.
 */
export interface StaleIfErrorItem {
  system: string;
  subgraph: string;
  type: string;
  key: string;
  /** When the value was last fetched from the system (ISO 8601). */
  fetchedAt: string;
  /** Whole seconds since then. */
  ageSeconds: number;
}
