/**
 * The shared layer's whole surface for a provider: declare the provider once with
 * defineProvider, then build its operations, resources, searches and answer shapes from what it
 * returns.
 */
export { defineProvider } from './provider';
export type { Answer, Client, Connection, Failure, Item, Operation } from './provider';
