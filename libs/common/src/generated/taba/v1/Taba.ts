// Original file: taba/v1/taba.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AggregatesRequest as _taba_v1_AggregatesRequest, AggregatesRequest__Output as _taba_v1_AggregatesRequest__Output } from '../../taba/v1/AggregatesRequest.js';
import type { AggregatesResponse as _taba_v1_AggregatesResponse, AggregatesResponse__Output as _taba_v1_AggregatesResponse__Output } from '../../taba/v1/AggregatesResponse.js';
import type { CardinalityRequest as _taba_v1_CardinalityRequest, CardinalityRequest__Output as _taba_v1_CardinalityRequest__Output } from '../../taba/v1/CardinalityRequest.js';
import type { CardinalityResponse as _taba_v1_CardinalityResponse, CardinalityResponse__Output as _taba_v1_CardinalityResponse__Output } from '../../taba/v1/CardinalityResponse.js';
import type { ClientsResponse as _taba_v1_ClientsResponse, ClientsResponse__Output as _taba_v1_ClientsResponse__Output } from '../../taba/v1/ClientsResponse.js';
import type { DeleteTabsRequest as _taba_v1_DeleteTabsRequest, DeleteTabsRequest__Output as _taba_v1_DeleteTabsRequest__Output } from '../../taba/v1/DeleteTabsRequest.js';
import type { DeleteTabsResponse as _taba_v1_DeleteTabsResponse, DeleteTabsResponse__Output as _taba_v1_DeleteTabsResponse__Output } from '../../taba/v1/DeleteTabsResponse.js';
import type { EventBatch as _taba_v1_EventBatch, EventBatch__Output as _taba_v1_EventBatch__Output } from '../../taba/v1/EventBatch.js';
import type { ListRequest as _taba_v1_ListRequest, ListRequest__Output as _taba_v1_ListRequest__Output } from '../../taba/v1/ListRequest.js';
import type { NamesResponse as _taba_v1_NamesResponse, NamesResponse__Output as _taba_v1_NamesResponse__Output } from '../../taba/v1/NamesResponse.js';
import type { PostEventsResponse as _taba_v1_PostEventsResponse, PostEventsResponse__Output as _taba_v1_PostEventsResponse__Output } from '../../taba/v1/PostEventsResponse.js';
import type { PostEventsResult as _taba_v1_PostEventsResult, PostEventsResult__Output as _taba_v1_PostEventsResult__Output } from '../../taba/v1/PostEventsResult.js';
import type { ProjectionsResponse as _taba_v1_ProjectionsResponse, ProjectionsResponse__Output as _taba_v1_ProjectionsResponse__Output } from '../../taba/v1/ProjectionsResponse.js';
import type { StatusRequest as _taba_v1_StatusRequest, StatusRequest__Output as _taba_v1_StatusRequest__Output } from '../../taba/v1/StatusRequest.js';
import type { StatusResponse as _taba_v1_StatusResponse, StatusResponse__Output as _taba_v1_StatusResponse__Output } from '../../taba/v1/StatusResponse.js';
import type { StreamEventsResponse as _taba_v1_StreamEventsResponse, StreamEventsResponse__Output as _taba_v1_StreamEventsResponse__Output } from '../../taba/v1/StreamEventsResponse.js';
import type { SuperAggregateResponse as _taba_v1_SuperAggregateResponse, SuperAggregateResponse__Output as _taba_v1_SuperAggregateResponse__Output } from '../../taba/v1/SuperAggregateResponse.js';
import type { TypesResponse as _taba_v1_TypesResponse, TypesResponse__Output as _taba_v1_TypesResponse__Output } from '../../taba/v1/TypesResponse.js';

export interface TabaClient extends grpc.Client {
  DeleteTabs(argument: _taba_v1_DeleteTabsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTabs(argument: _taba_v1_DeleteTabsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTabs(argument: _taba_v1_DeleteTabsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTabs(argument: _taba_v1_DeleteTabsRequest, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  deleteTabs(argument: _taba_v1_DeleteTabsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  deleteTabs(argument: _taba_v1_DeleteTabsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  deleteTabs(argument: _taba_v1_DeleteTabsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  deleteTabs(argument: _taba_v1_DeleteTabsRequest, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * One Aggregate per selected Tab (merged over the selected clients).
   */
  GetAggregates(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  GetAggregates(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  GetAggregates(argument: _taba_v1_AggregatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  GetAggregates(argument: _taba_v1_AggregatesRequest, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * One Aggregate per selected Tab (merged over the selected clients).
   */
  getAggregates(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  getAggregates(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  getAggregates(argument: _taba_v1_AggregatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  getAggregates(argument: _taba_v1_AggregatesRequest, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The top Tabs by client count and the top clients by Tab count (reads every partition).
   */
  GetCardinality(argument: _taba_v1_CardinalityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  GetCardinality(argument: _taba_v1_CardinalityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  GetCardinality(argument: _taba_v1_CardinalityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  GetCardinality(argument: _taba_v1_CardinalityRequest, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The top Tabs by client count and the top clients by Tab count (reads every partition).
   */
  getCardinality(argument: _taba_v1_CardinalityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  getCardinality(argument: _taba_v1_CardinalityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  getCardinality(argument: _taba_v1_CardinalityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  getCardinality(argument: _taba_v1_CardinalityRequest, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The per-client States of each selected Tab.
   */
  GetProjections(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  GetProjections(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  GetProjections(argument: _taba_v1_AggregatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  GetProjections(argument: _taba_v1_AggregatesRequest, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The per-client States of each selected Tab.
   */
  getProjections(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  getProjections(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  getProjections(argument: _taba_v1_AggregatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  getProjections(argument: _taba_v1_AggregatesRequest, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  
  GetStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _taba_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _taba_v1_StatusRequest, callback: grpc.requestCallback<_taba_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, callback: grpc.requestCallback<_taba_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * All selected Tabs (of one type) merged into one.
   */
  GetSuperAggregate(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_SuperAggregateResponse__Output>): grpc.ClientUnaryCall;
  GetSuperAggregate(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_SuperAggregateResponse__Output>): grpc.ClientUnaryCall;
  GetSuperAggregate(argument: _taba_v1_AggregatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_SuperAggregateResponse__Output>): grpc.ClientUnaryCall;
  GetSuperAggregate(argument: _taba_v1_AggregatesRequest, callback: grpc.requestCallback<_taba_v1_SuperAggregateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * All selected Tabs (of one type) merged into one.
   */
  getSuperAggregate(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_SuperAggregateResponse__Output>): grpc.ClientUnaryCall;
  getSuperAggregate(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_SuperAggregateResponse__Output>): grpc.ClientUnaryCall;
  getSuperAggregate(argument: _taba_v1_AggregatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_SuperAggregateResponse__Output>): grpc.ClientUnaryCall;
  getSuperAggregate(argument: _taba_v1_AggregatesRequest, callback: grpc.requestCallback<_taba_v1_SuperAggregateResponse__Output>): grpc.ClientUnaryCall;
  
  ListClients(argument: _taba_v1_ListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_ClientsResponse__Output>): grpc.ClientUnaryCall;
  ListClients(argument: _taba_v1_ListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_ClientsResponse__Output>): grpc.ClientUnaryCall;
  ListClients(argument: _taba_v1_ListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_ClientsResponse__Output>): grpc.ClientUnaryCall;
  ListClients(argument: _taba_v1_ListRequest, callback: grpc.requestCallback<_taba_v1_ClientsResponse__Output>): grpc.ClientUnaryCall;
  listClients(argument: _taba_v1_ListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_ClientsResponse__Output>): grpc.ClientUnaryCall;
  listClients(argument: _taba_v1_ListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_ClientsResponse__Output>): grpc.ClientUnaryCall;
  listClients(argument: _taba_v1_ListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_ClientsResponse__Output>): grpc.ClientUnaryCall;
  listClients(argument: _taba_v1_ListRequest, callback: grpc.requestCallback<_taba_v1_ClientsResponse__Output>): grpc.ClientUnaryCall;
  
  ListNames(argument: _taba_v1_ListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_NamesResponse__Output>): grpc.ClientUnaryCall;
  ListNames(argument: _taba_v1_ListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_NamesResponse__Output>): grpc.ClientUnaryCall;
  ListNames(argument: _taba_v1_ListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_NamesResponse__Output>): grpc.ClientUnaryCall;
  ListNames(argument: _taba_v1_ListRequest, callback: grpc.requestCallback<_taba_v1_NamesResponse__Output>): grpc.ClientUnaryCall;
  listNames(argument: _taba_v1_ListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_NamesResponse__Output>): grpc.ClientUnaryCall;
  listNames(argument: _taba_v1_ListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_NamesResponse__Output>): grpc.ClientUnaryCall;
  listNames(argument: _taba_v1_ListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_NamesResponse__Output>): grpc.ClientUnaryCall;
  listNames(argument: _taba_v1_ListRequest, callback: grpc.requestCallback<_taba_v1_NamesResponse__Output>): grpc.ClientUnaryCall;
  
  ListTypes(argument: _taba_v1_ListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_TypesResponse__Output>): grpc.ClientUnaryCall;
  ListTypes(argument: _taba_v1_ListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_TypesResponse__Output>): grpc.ClientUnaryCall;
  ListTypes(argument: _taba_v1_ListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_TypesResponse__Output>): grpc.ClientUnaryCall;
  ListTypes(argument: _taba_v1_ListRequest, callback: grpc.requestCallback<_taba_v1_TypesResponse__Output>): grpc.ClientUnaryCall;
  listTypes(argument: _taba_v1_ListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_TypesResponse__Output>): grpc.ClientUnaryCall;
  listTypes(argument: _taba_v1_ListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_TypesResponse__Output>): grpc.ClientUnaryCall;
  listTypes(argument: _taba_v1_ListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_TypesResponse__Output>): grpc.ClientUnaryCall;
  listTypes(argument: _taba_v1_ListRequest, callback: grpc.requestCallback<_taba_v1_TypesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Post one batch; answers when every event is committed or rejected.
   */
  PostEvents(argument: _taba_v1_EventBatch, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  PostEvents(argument: _taba_v1_EventBatch, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  PostEvents(argument: _taba_v1_EventBatch, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  PostEvents(argument: _taba_v1_EventBatch, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Post one batch; answers when every event is committed or rejected.
   */
  postEvents(argument: _taba_v1_EventBatch, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  postEvents(argument: _taba_v1_EventBatch, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  postEvents(argument: _taba_v1_EventBatch, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  postEvents(argument: _taba_v1_EventBatch, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Post many batches over one stream and get one answer per batch, in the order sent. The
   * cheapest way to post large batches (grpc-js spends ~2.5x less CPU per byte on a stream
   * than on unary calls); a failed batch gets its status in its answer and the stream goes on.
   */
  PostEventsStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_taba_v1_EventBatch, _taba_v1_PostEventsResult__Output>;
  PostEventsStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_taba_v1_EventBatch, _taba_v1_PostEventsResult__Output>;
  /**
   * Post many batches over one stream and get one answer per batch, in the order sent. The
   * cheapest way to post large batches (grpc-js spends ~2.5x less CPU per byte on a stream
   * than on unary calls); a failed batch gets its status in its answer and the stream goes on.
   */
  postEventsStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_taba_v1_EventBatch, _taba_v1_PostEventsResult__Output>;
  postEventsStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_taba_v1_EventBatch, _taba_v1_PostEventsResult__Output>;
  
  /**
   * Post many batches over one stream (high-volume senders); answers at the end.
   */
  StreamEvents(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_StreamEventsResponse__Output>): grpc.ClientWritableStream<_taba_v1_EventBatch>;
  StreamEvents(metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_StreamEventsResponse__Output>): grpc.ClientWritableStream<_taba_v1_EventBatch>;
  StreamEvents(options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_StreamEventsResponse__Output>): grpc.ClientWritableStream<_taba_v1_EventBatch>;
  StreamEvents(callback: grpc.requestCallback<_taba_v1_StreamEventsResponse__Output>): grpc.ClientWritableStream<_taba_v1_EventBatch>;
  /**
   * Post many batches over one stream (high-volume senders); answers at the end.
   */
  streamEvents(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_StreamEventsResponse__Output>): grpc.ClientWritableStream<_taba_v1_EventBatch>;
  streamEvents(metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_StreamEventsResponse__Output>): grpc.ClientWritableStream<_taba_v1_EventBatch>;
  streamEvents(options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_StreamEventsResponse__Output>): grpc.ClientWritableStream<_taba_v1_EventBatch>;
  streamEvents(callback: grpc.requestCallback<_taba_v1_StreamEventsResponse__Output>): grpc.ClientWritableStream<_taba_v1_EventBatch>;
  
}

export interface TabaHandlers extends grpc.UntypedServiceImplementation {
  DeleteTabs: grpc.handleUnaryCall<_taba_v1_DeleteTabsRequest__Output, _taba_v1_DeleteTabsResponse>;
  
  /**
   * One Aggregate per selected Tab (merged over the selected clients).
   */
  GetAggregates: grpc.handleUnaryCall<_taba_v1_AggregatesRequest__Output, _taba_v1_AggregatesResponse>;
  
  /**
   * The top Tabs by client count and the top clients by Tab count (reads every partition).
   */
  GetCardinality: grpc.handleUnaryCall<_taba_v1_CardinalityRequest__Output, _taba_v1_CardinalityResponse>;
  
  /**
   * The per-client States of each selected Tab.
   */
  GetProjections: grpc.handleUnaryCall<_taba_v1_AggregatesRequest__Output, _taba_v1_ProjectionsResponse>;
  
  GetStatus: grpc.handleUnaryCall<_taba_v1_StatusRequest__Output, _taba_v1_StatusResponse>;
  
  /**
   * All selected Tabs (of one type) merged into one.
   */
  GetSuperAggregate: grpc.handleUnaryCall<_taba_v1_AggregatesRequest__Output, _taba_v1_SuperAggregateResponse>;
  
  ListClients: grpc.handleUnaryCall<_taba_v1_ListRequest__Output, _taba_v1_ClientsResponse>;
  
  ListNames: grpc.handleUnaryCall<_taba_v1_ListRequest__Output, _taba_v1_NamesResponse>;
  
  ListTypes: grpc.handleUnaryCall<_taba_v1_ListRequest__Output, _taba_v1_TypesResponse>;
  
  /**
   * Post one batch; answers when every event is committed or rejected.
   */
  PostEvents: grpc.handleUnaryCall<_taba_v1_EventBatch__Output, _taba_v1_PostEventsResponse>;
  
  /**
   * Post many batches over one stream and get one answer per batch, in the order sent. The
   * cheapest way to post large batches (grpc-js spends ~2.5x less CPU per byte on a stream
   * than on unary calls); a failed batch gets its status in its answer and the stream goes on.
   */
  PostEventsStream: grpc.handleBidiStreamingCall<_taba_v1_EventBatch__Output, _taba_v1_PostEventsResult>;
  
  /**
   * Post many batches over one stream (high-volume senders); answers at the end.
   */
  StreamEvents: grpc.handleClientStreamingCall<_taba_v1_EventBatch__Output, _taba_v1_StreamEventsResponse>;
  
}

export interface TabaDefinition extends grpc.ServiceDefinition {
  DeleteTabs: MethodDefinition<_taba_v1_DeleteTabsRequest, _taba_v1_DeleteTabsResponse, _taba_v1_DeleteTabsRequest__Output, _taba_v1_DeleteTabsResponse__Output>
  GetAggregates: MethodDefinition<_taba_v1_AggregatesRequest, _taba_v1_AggregatesResponse, _taba_v1_AggregatesRequest__Output, _taba_v1_AggregatesResponse__Output>
  GetCardinality: MethodDefinition<_taba_v1_CardinalityRequest, _taba_v1_CardinalityResponse, _taba_v1_CardinalityRequest__Output, _taba_v1_CardinalityResponse__Output>
  GetProjections: MethodDefinition<_taba_v1_AggregatesRequest, _taba_v1_ProjectionsResponse, _taba_v1_AggregatesRequest__Output, _taba_v1_ProjectionsResponse__Output>
  GetStatus: MethodDefinition<_taba_v1_StatusRequest, _taba_v1_StatusResponse, _taba_v1_StatusRequest__Output, _taba_v1_StatusResponse__Output>
  GetSuperAggregate: MethodDefinition<_taba_v1_AggregatesRequest, _taba_v1_SuperAggregateResponse, _taba_v1_AggregatesRequest__Output, _taba_v1_SuperAggregateResponse__Output>
  ListClients: MethodDefinition<_taba_v1_ListRequest, _taba_v1_ClientsResponse, _taba_v1_ListRequest__Output, _taba_v1_ClientsResponse__Output>
  ListNames: MethodDefinition<_taba_v1_ListRequest, _taba_v1_NamesResponse, _taba_v1_ListRequest__Output, _taba_v1_NamesResponse__Output>
  ListTypes: MethodDefinition<_taba_v1_ListRequest, _taba_v1_TypesResponse, _taba_v1_ListRequest__Output, _taba_v1_TypesResponse__Output>
  PostEvents: MethodDefinition<_taba_v1_EventBatch, _taba_v1_PostEventsResponse, _taba_v1_EventBatch__Output, _taba_v1_PostEventsResponse__Output>
  PostEventsStream: MethodDefinition<_taba_v1_EventBatch, _taba_v1_PostEventsResult, _taba_v1_EventBatch__Output, _taba_v1_PostEventsResult__Output>
  StreamEvents: MethodDefinition<_taba_v1_EventBatch, _taba_v1_StreamEventsResponse, _taba_v1_EventBatch__Output, _taba_v1_StreamEventsResponse__Output>
}
