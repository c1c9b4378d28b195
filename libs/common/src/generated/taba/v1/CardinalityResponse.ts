// Original file: taba/v1/taba.proto

import type { TabCardinality as _taba_v1_TabCardinality, TabCardinality__Output as _taba_v1_TabCardinality__Output } from '../../taba/v1/TabCardinality.js';
import type { ClientCardinality as _taba_v1_ClientCardinality, ClientCardinality__Output as _taba_v1_ClientCardinality__Output } from '../../taba/v1/ClientCardinality.js';
import type { Long } from '@grpc/proto-loader';

/**
 * How many Tabs, clients and (Tab, client) States there are, and the widest of each.
 */
export interface CardinalityResponse {
  'tabs'?: (number | string | Long);
  'clients'?: (number | string | Long);
  /**
   * (Tab, client) States, the all-clients States left out.
   */
  'states'?: (number | string | Long);
  /**
   * Tabs by client count, most first (ties by name).
   */
  'topTabs'?: (_taba_v1_TabCardinality)[];
  /**
   * Clients by Tab count, most first (ties by ID).
   */
  'topClients'?: (_taba_v1_ClientCardinality)[];
}

/**
 * How many Tabs, clients and (Tab, client) States there are, and the widest of each.
 */
export interface CardinalityResponse__Output {
  'tabs': (number);
  'clients': (number);
  /**
   * (Tab, client) States, the all-clients States left out.
   */
  'states': (number);
  /**
   * Tabs by client count, most first (ties by name).
   */
  'topTabs': (_taba_v1_TabCardinality__Output)[];
  /**
   * Clients by Tab count, most first (ties by ID).
   */
  'topClients': (_taba_v1_ClientCardinality__Output)[];
}
