import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AggregatesRequest as _taba_v1_AggregatesRequest, AggregatesRequest__Output as _taba_v1_AggregatesRequest__Output } from './taba/v1/AggregatesRequest.js';
import type { AggregatesResponse as _taba_v1_AggregatesResponse, AggregatesResponse__Output as _taba_v1_AggregatesResponse__Output } from './taba/v1/AggregatesResponse.js';
import type { CardinalityRequest as _taba_v1_CardinalityRequest, CardinalityRequest__Output as _taba_v1_CardinalityRequest__Output } from './taba/v1/CardinalityRequest.js';
import type { CardinalityResponse as _taba_v1_CardinalityResponse, CardinalityResponse__Output as _taba_v1_CardinalityResponse__Output } from './taba/v1/CardinalityResponse.js';
import type { ClientCardinality as _taba_v1_ClientCardinality, ClientCardinality__Output as _taba_v1_ClientCardinality__Output } from './taba/v1/ClientCardinality.js';
import type { ClientRender as _taba_v1_ClientRender, ClientRender__Output as _taba_v1_ClientRender__Output } from './taba/v1/ClientRender.js';
import type { ClientsResponse as _taba_v1_ClientsResponse, ClientsResponse__Output as _taba_v1_ClientsResponse__Output } from './taba/v1/ClientsResponse.js';
import type { DeleteTabsRequest as _taba_v1_DeleteTabsRequest, DeleteTabsRequest__Output as _taba_v1_DeleteTabsRequest__Output } from './taba/v1/DeleteTabsRequest.js';
import type { DeleteTabsResponse as _taba_v1_DeleteTabsResponse, DeleteTabsResponse__Output as _taba_v1_DeleteTabsResponse__Output } from './taba/v1/DeleteTabsResponse.js';
import type { EventBatch as _taba_v1_EventBatch, EventBatch__Output as _taba_v1_EventBatch__Output } from './taba/v1/EventBatch.js';
import type { InstanceStatus as _taba_v1_InstanceStatus, InstanceStatus__Output as _taba_v1_InstanceStatus__Output } from './taba/v1/InstanceStatus.js';
import type { ListRequest as _taba_v1_ListRequest, ListRequest__Output as _taba_v1_ListRequest__Output } from './taba/v1/ListRequest.js';
import type { NamesResponse as _taba_v1_NamesResponse, NamesResponse__Output as _taba_v1_NamesResponse__Output } from './taba/v1/NamesResponse.js';
import type { PostEventsResponse as _taba_v1_PostEventsResponse, PostEventsResponse__Output as _taba_v1_PostEventsResponse__Output } from './taba/v1/PostEventsResponse.js';
import type { PostEventsResult as _taba_v1_PostEventsResult, PostEventsResult__Output as _taba_v1_PostEventsResult__Output } from './taba/v1/PostEventsResult.js';
import type { ProjectedTab as _taba_v1_ProjectedTab, ProjectedTab__Output as _taba_v1_ProjectedTab__Output } from './taba/v1/ProjectedTab.js';
import type { ProjectionsResponse as _taba_v1_ProjectionsResponse, ProjectionsResponse__Output as _taba_v1_ProjectionsResponse__Output } from './taba/v1/ProjectionsResponse.js';
import type { Rejection as _taba_v1_Rejection, Rejection__Output as _taba_v1_Rejection__Output } from './taba/v1/Rejection.js';
import type { RenderedTab as _taba_v1_RenderedTab, RenderedTab__Output as _taba_v1_RenderedTab__Output } from './taba/v1/RenderedTab.js';
import type { StatusRequest as _taba_v1_StatusRequest, StatusRequest__Output as _taba_v1_StatusRequest__Output } from './taba/v1/StatusRequest.js';
import type { StatusResponse as _taba_v1_StatusResponse, StatusResponse__Output as _taba_v1_StatusResponse__Output } from './taba/v1/StatusResponse.js';
import type { StreamEventsResponse as _taba_v1_StreamEventsResponse, StreamEventsResponse__Output as _taba_v1_StreamEventsResponse__Output } from './taba/v1/StreamEventsResponse.js';
import type { SuperAggregateResponse as _taba_v1_SuperAggregateResponse, SuperAggregateResponse__Output as _taba_v1_SuperAggregateResponse__Output } from './taba/v1/SuperAggregateResponse.js';
import type { TabCardinality as _taba_v1_TabCardinality, TabCardinality__Output as _taba_v1_TabCardinality__Output } from './taba/v1/TabCardinality.js';
import type { TabColumn as _taba_v1_TabColumn, TabColumn__Output as _taba_v1_TabColumn__Output } from './taba/v1/TabColumn.js';
import type { TabFilter as _taba_v1_TabFilter, TabFilter__Output as _taba_v1_TabFilter__Output } from './taba/v1/TabFilter.js';
import type { TabTypeEntry as _taba_v1_TabTypeEntry, TabTypeEntry__Output as _taba_v1_TabTypeEntry__Output } from './taba/v1/TabTypeEntry.js';
import type { TabaClient as _taba_v1_TabaClient, TabaDefinition as _taba_v1_TabaDefinition } from './taba/v1/Taba.js';
import type { TypesResponse as _taba_v1_TypesResponse, TypesResponse__Output as _taba_v1_TypesResponse__Output } from './taba/v1/TypesResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  taba: {
    v1: {
      AggregatesRequest: MessageTypeDefinition<_taba_v1_AggregatesRequest, _taba_v1_AggregatesRequest__Output>
      AggregatesResponse: MessageTypeDefinition<_taba_v1_AggregatesResponse, _taba_v1_AggregatesResponse__Output>
      CardinalityRequest: MessageTypeDefinition<_taba_v1_CardinalityRequest, _taba_v1_CardinalityRequest__Output>
      CardinalityResponse: MessageTypeDefinition<_taba_v1_CardinalityResponse, _taba_v1_CardinalityResponse__Output>
      ClientCardinality: MessageTypeDefinition<_taba_v1_ClientCardinality, _taba_v1_ClientCardinality__Output>
      ClientRender: MessageTypeDefinition<_taba_v1_ClientRender, _taba_v1_ClientRender__Output>
      ClientsResponse: MessageTypeDefinition<_taba_v1_ClientsResponse, _taba_v1_ClientsResponse__Output>
      DeleteTabsRequest: MessageTypeDefinition<_taba_v1_DeleteTabsRequest, _taba_v1_DeleteTabsRequest__Output>
      DeleteTabsResponse: MessageTypeDefinition<_taba_v1_DeleteTabsResponse, _taba_v1_DeleteTabsResponse__Output>
      EventBatch: MessageTypeDefinition<_taba_v1_EventBatch, _taba_v1_EventBatch__Output>
      InstanceStatus: MessageTypeDefinition<_taba_v1_InstanceStatus, _taba_v1_InstanceStatus__Output>
      ListRequest: MessageTypeDefinition<_taba_v1_ListRequest, _taba_v1_ListRequest__Output>
      NamesResponse: MessageTypeDefinition<_taba_v1_NamesResponse, _taba_v1_NamesResponse__Output>
      PostEventsResponse: MessageTypeDefinition<_taba_v1_PostEventsResponse, _taba_v1_PostEventsResponse__Output>
      PostEventsResult: MessageTypeDefinition<_taba_v1_PostEventsResult, _taba_v1_PostEventsResult__Output>
      ProjectedTab: MessageTypeDefinition<_taba_v1_ProjectedTab, _taba_v1_ProjectedTab__Output>
      ProjectionsResponse: MessageTypeDefinition<_taba_v1_ProjectionsResponse, _taba_v1_ProjectionsResponse__Output>
      RejectCode: EnumTypeDefinition
      Rejection: MessageTypeDefinition<_taba_v1_Rejection, _taba_v1_Rejection__Output>
      RenderMode: EnumTypeDefinition
      RenderedTab: MessageTypeDefinition<_taba_v1_RenderedTab, _taba_v1_RenderedTab__Output>
      StatusRequest: MessageTypeDefinition<_taba_v1_StatusRequest, _taba_v1_StatusRequest__Output>
      StatusResponse: MessageTypeDefinition<_taba_v1_StatusResponse, _taba_v1_StatusResponse__Output>
      StreamEventsResponse: MessageTypeDefinition<_taba_v1_StreamEventsResponse, _taba_v1_StreamEventsResponse__Output>
      SuperAggregateResponse: MessageTypeDefinition<_taba_v1_SuperAggregateResponse, _taba_v1_SuperAggregateResponse__Output>
      TabCardinality: MessageTypeDefinition<_taba_v1_TabCardinality, _taba_v1_TabCardinality__Output>
      TabColumn: MessageTypeDefinition<_taba_v1_TabColumn, _taba_v1_TabColumn__Output>
      TabFilter: MessageTypeDefinition<_taba_v1_TabFilter, _taba_v1_TabFilter__Output>
      TabType: EnumTypeDefinition
      TabTypeEntry: MessageTypeDefinition<_taba_v1_TabTypeEntry, _taba_v1_TabTypeEntry__Output>
      Taba: SubtypeConstructor<typeof grpc.Client, _taba_v1_TabaClient> & { service: _taba_v1_TabaDefinition }
      TypesResponse: MessageTypeDefinition<_taba_v1_TypesResponse, _taba_v1_TypesResponse__Output>
    }
  }
}

