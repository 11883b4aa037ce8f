import type { ICheckProcessedOptions } from 'n8n-workflow';

/**
 * n8n's deduplication store keeps one list per node (node scope) in its database, rewritten whole
 * on every call. The node's retry records and its start markers share that list, so they share
 * these options: a call with a smaller maxEntries would cut the other's entries. The oldest go
 * first; 2,000 entries keep each rewrite near 55 KB (each node run that sends without a provider
 * key adds its start marker).
 */
export const NODE_STORE: ICheckProcessedOptions = { mode: 'entries', maxEntries: 2_000 };
