import DataLoader from 'dataloader';
import { stateKey, type ConsumerState } from './steps.js';

/** Reads the given consumers' state for a batch of process keys (order numbers): one statement. */
export type ReadConsumerStates = (processKeys: readonly string[], consumers: readonly string[]) => Promise<Map<string, ConsumerState>>;

/** Each order's state per consumer, for the consumers behind a subgraph's steps. */
export type StepStates = DataLoader<string, ReadonlyMap<string, ConsumerState>>;

/**
 * Per-request loader of the consumer state behind a subgraph's fulfillment steps: every order
 * asked for during one tick, for every consumer named, is ONE statement.
 */
export function createStepStatesLoader(read: ReadConsumerStates, consumers: readonly string[]): StepStates {
  return new DataLoader(async (orderNumbers) => {
    const states = await read(orderNumbers, consumers);
    return orderNumbers.map((number) => {
      const byConsumer = new Map<string, ConsumerState>();
      for (const consumer of consumers) {
        const state = states.get(stateKey(number, consumer));
        if (state) byConsumer.set(consumer, state);
      }
      return byConsumer;
    });
  });
}
