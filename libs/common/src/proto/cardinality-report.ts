import type { CardinalityResponse__Output } from '../generated/taba/v1/CardinalityResponse.js';

/** A cardinality report as REST answers it and the CLI prints it (docs/rest.md). */
export interface CardinalityReport {
  readonly tabs: number;
  readonly clients: number;
  readonly states: number;
  readonly topTabs: readonly { readonly name: string; readonly clients: number }[];
  readonly topClients: readonly { readonly client: string; readonly tabs: number }[];
}

/** The plain report of a GetCardinality answer (its 64-bit counts as numbers). */
export function cardinalityReport(response: CardinalityResponse__Output): CardinalityReport {
  return {
    tabs: Number(response.tabs),
    clients: Number(response.clients),
    states: Number(response.states),
    topTabs: response.topTabs.map(tab => ({ name: tab.name, clients: Number(tab.clients) })),
    topClients: response.topClients.map(entry => ({
      client: entry.clientId,
      tabs: Number(entry.tabs),
    })),
  };
}
