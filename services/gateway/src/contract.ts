/**
 * Message types of the public contract that `@taba/common` does not export by name, read off
 * the typed proto loader (`serialize` takes the input form, `deserialize` gives the output
 * form). Types only: nothing here exists at run time.
 */
import type { TabaProtos } from '@taba/common';

type V1 = TabaProtos['taba']['v1'];
type InputOf<T> = T extends { serialize(value: infer I): Buffer } ? I : never;
type OutputOf<T> = T extends { deserialize(bytes: Buffer): infer O } ? O : never;

export type AggregatesRequest = InputOf<V1['AggregatesRequest']>;
export type AggregatesResponse = InputOf<V1['AggregatesResponse']>;
export type AggregatesResponse__Output = OutputOf<V1['AggregatesResponse']>;
export type ProjectionsResponse__Output = OutputOf<V1['ProjectionsResponse']>;
export type SuperAggregateResponse__Output = OutputOf<V1['SuperAggregateResponse']>;
export type ListRequest = InputOf<V1['ListRequest']>;
export type NamesResponse__Output = OutputOf<V1['NamesResponse']>;
export type ClientsResponse__Output = OutputOf<V1['ClientsResponse']>;
export type TypesResponse__Output = OutputOf<V1['TypesResponse']>;
export type DeleteTabsRequest = InputOf<V1['DeleteTabsRequest']>;
export type CardinalityResponse__Output = OutputOf<V1['CardinalityResponse']>;
export type DeleteTabsResponse__Output = OutputOf<V1['DeleteTabsResponse']>;
export type PostEventsResponse__Output = OutputOf<V1['PostEventsResponse']>;
export type StreamEventsResponse = InputOf<V1['StreamEventsResponse']>;
export type PostEventsResult = InputOf<V1['PostEventsResult']>;
export type PostEventsResponse = InputOf<V1['PostEventsResponse']>;
export type Rejection__Output = OutputOf<V1['Rejection']>;
export type TabFilter = InputOf<V1['TabFilter']>;
export type RenderMode = InputOf<V1['AggregatesRequest']>['mode'];
export type TabType__Output = OutputOf<V1['TabColumn']>['type'];
export type RejectCode__Output = Rejection__Output['code'];
