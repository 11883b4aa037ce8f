/**
 * The shared layer's whole surface for a provider: declare the provider once with
 * defineProvider, then build its operations, resources and searches from what it returns.
 */
export { defineProvider } from './provider';
export { answerWith } from './answer-shapes';
export type { Answer, Client, Connection, Failure, Item, Operation } from './provider';
