/** The executor every gateway a test starts runs: `GATEWAY_EXECUTOR` reaches them through the environment. */
export const EXECUTOR: 'bizgraph' | 'apollo' = process.env.GATEWAY_EXECUTOR === 'apollo' ? 'apollo' : 'bizgraph';

/**
 * The errors a client gets for a fetch the subgraph did not answer: bizgraph's executor reports
 * one at each response path the fetch should have filled, @apollo/gateway's one without a path.
 */
export function failedFetch<E extends object>(error: E, paths: ReadonlyArray<ReadonlyArray<string | number>>): Array<E & { path?: ReadonlyArray<string | number> }> {
  return EXECUTOR === 'bizgraph' ? paths.map((path) => ({ ...error, path })) : [error];
}
