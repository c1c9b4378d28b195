// Original file: taba/internal/v1/query.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AggregatesRequest as _taba_v1_AggregatesRequest, AggregatesRequest__Output as _taba_v1_AggregatesRequest__Output } from '../../../taba/v1/AggregatesRequest.js';
import type { AggregatesResponse as _taba_v1_AggregatesResponse, AggregatesResponse__Output as _taba_v1_AggregatesResponse__Output } from '../../../taba/v1/AggregatesResponse.js';
import type { CardinalityRequest as _taba_v1_CardinalityRequest, CardinalityRequest__Output as _taba_v1_CardinalityRequest__Output } from '../../../taba/v1/CardinalityRequest.js';
import type { CardinalityResponse as _taba_v1_CardinalityResponse, CardinalityResponse__Output as _taba_v1_CardinalityResponse__Output } from '../../../taba/v1/CardinalityResponse.js';
import type { ClientsResponse as _taba_v1_ClientsResponse, ClientsResponse__Output as _taba_v1_ClientsResponse__Output } from '../../../taba/v1/ClientsResponse.js';
import type { DeleteTabsRequest as _taba_v1_DeleteTabsRequest, DeleteTabsRequest__Output as _taba_v1_DeleteTabsRequest__Output } from '../../../taba/v1/DeleteTabsRequest.js';
import type { DeleteTabsResponse as _taba_v1_DeleteTabsResponse, DeleteTabsResponse__Output as _taba_v1_DeleteTabsResponse__Output } from '../../../taba/v1/DeleteTabsResponse.js';
import type { InstanceStatus as _taba_v1_InstanceStatus, InstanceStatus__Output as _taba_v1_InstanceStatus__Output } from '../../../taba/v1/InstanceStatus.js';
import type { ListRequest as _taba_v1_ListRequest, ListRequest__Output as _taba_v1_ListRequest__Output } from '../../../taba/v1/ListRequest.js';
import type { NamesResponse as _taba_v1_NamesResponse, NamesResponse__Output as _taba_v1_NamesResponse__Output } from '../../../taba/v1/NamesResponse.js';
import type { ProjectionsResponse as _taba_v1_ProjectionsResponse, ProjectionsResponse__Output as _taba_v1_ProjectionsResponse__Output } from '../../../taba/v1/ProjectionsResponse.js';
import type { StatusRequest as _taba_v1_StatusRequest, StatusRequest__Output as _taba_v1_StatusRequest__Output } from '../../../taba/v1/StatusRequest.js';
import type { SuperAggregateResponse as _taba_v1_SuperAggregateResponse, SuperAggregateResponse__Output as _taba_v1_SuperAggregateResponse__Output } from '../../../taba/v1/SuperAggregateResponse.js';
import type { TypesResponse as _taba_v1_TypesResponse, TypesResponse__Output as _taba_v1_TypesResponse__Output } from '../../../taba/v1/TypesResponse.js';

export interface QueryClient extends grpc.Client {
  DeleteTabs(argument: _taba_v1_DeleteTabsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTabs(argument: _taba_v1_DeleteTabsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTabs(argument: _taba_v1_DeleteTabsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  DeleteTabs(argument: _taba_v1_DeleteTabsRequest, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  deleteTabs(argument: _taba_v1_DeleteTabsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  deleteTabs(argument: _taba_v1_DeleteTabsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  deleteTabs(argument: _taba_v1_DeleteTabsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  deleteTabs(argument: _taba_v1_DeleteTabsRequest, callback: grpc.requestCallback<_taba_v1_DeleteTabsResponse__Output>): grpc.ClientUnaryCall;
  
  GetAggregates(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  GetAggregates(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  GetAggregates(argument: _taba_v1_AggregatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  GetAggregates(argument: _taba_v1_AggregatesRequest, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  getAggregates(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  getAggregates(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  getAggregates(argument: _taba_v1_AggregatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  getAggregates(argument: _taba_v1_AggregatesRequest, callback: grpc.requestCallback<_taba_v1_AggregatesResponse__Output>): grpc.ClientUnaryCall;
  
  GetCardinality(argument: _taba_v1_CardinalityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  GetCardinality(argument: _taba_v1_CardinalityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  GetCardinality(argument: _taba_v1_CardinalityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  GetCardinality(argument: _taba_v1_CardinalityRequest, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  getCardinality(argument: _taba_v1_CardinalityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  getCardinality(argument: _taba_v1_CardinalityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  getCardinality(argument: _taba_v1_CardinalityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  getCardinality(argument: _taba_v1_CardinalityRequest, callback: grpc.requestCallback<_taba_v1_CardinalityResponse__Output>): grpc.ClientUnaryCall;
  
  GetProjections(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  GetProjections(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  GetProjections(argument: _taba_v1_AggregatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  GetProjections(argument: _taba_v1_AggregatesRequest, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  getProjections(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  getProjections(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  getProjections(argument: _taba_v1_AggregatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  getProjections(argument: _taba_v1_AggregatesRequest, callback: grpc.requestCallback<_taba_v1_ProjectionsResponse__Output>): grpc.ClientUnaryCall;
  
  GetStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _taba_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _taba_v1_StatusRequest, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  
  GetSuperAggregate(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_SuperAggregateResponse__Output>): grpc.ClientUnaryCall;
  GetSuperAggregate(argument: _taba_v1_AggregatesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_SuperAggregateResponse__Output>): grpc.ClientUnaryCall;
  GetSuperAggregate(argument: _taba_v1_AggregatesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_SuperAggregateResponse__Output>): grpc.ClientUnaryCall;
  GetSuperAggregate(argument: _taba_v1_AggregatesRequest, callback: grpc.requestCallback<_taba_v1_SuperAggregateResponse__Output>): grpc.ClientUnaryCall;
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
  
}

export interface QueryHandlers extends grpc.UntypedServiceImplementation {
  DeleteTabs: grpc.handleUnaryCall<_taba_v1_DeleteTabsRequest__Output, _taba_v1_DeleteTabsResponse>;
  
  GetAggregates: grpc.handleUnaryCall<_taba_v1_AggregatesRequest__Output, _taba_v1_AggregatesResponse>;
  
  GetCardinality: grpc.handleUnaryCall<_taba_v1_CardinalityRequest__Output, _taba_v1_CardinalityResponse>;
  
  GetProjections: grpc.handleUnaryCall<_taba_v1_AggregatesRequest__Output, _taba_v1_ProjectionsResponse>;
  
  GetStatus: grpc.handleUnaryCall<_taba_v1_StatusRequest__Output, _taba_v1_InstanceStatus>;
  
  GetSuperAggregate: grpc.handleUnaryCall<_taba_v1_AggregatesRequest__Output, _taba_v1_SuperAggregateResponse>;
  
  ListClients: grpc.handleUnaryCall<_taba_v1_ListRequest__Output, _taba_v1_ClientsResponse>;
  
  ListNames: grpc.handleUnaryCall<_taba_v1_ListRequest__Output, _taba_v1_NamesResponse>;
  
  ListTypes: grpc.handleUnaryCall<_taba_v1_ListRequest__Output, _taba_v1_TypesResponse>;
  
}

export interface QueryDefinition extends grpc.ServiceDefinition {
  DeleteTabs: MethodDefinition<_taba_v1_DeleteTabsRequest, _taba_v1_DeleteTabsResponse, _taba_v1_DeleteTabsRequest__Output, _taba_v1_DeleteTabsResponse__Output>
  GetAggregates: MethodDefinition<_taba_v1_AggregatesRequest, _taba_v1_AggregatesResponse, _taba_v1_AggregatesRequest__Output, _taba_v1_AggregatesResponse__Output>
  GetCardinality: MethodDefinition<_taba_v1_CardinalityRequest, _taba_v1_CardinalityResponse, _taba_v1_CardinalityRequest__Output, _taba_v1_CardinalityResponse__Output>
  GetProjections: MethodDefinition<_taba_v1_AggregatesRequest, _taba_v1_ProjectionsResponse, _taba_v1_AggregatesRequest__Output, _taba_v1_ProjectionsResponse__Output>
  GetStatus: MethodDefinition<_taba_v1_StatusRequest, _taba_v1_InstanceStatus, _taba_v1_StatusRequest__Output, _taba_v1_InstanceStatus__Output>
  GetSuperAggregate: MethodDefinition<_taba_v1_AggregatesRequest, _taba_v1_SuperAggregateResponse, _taba_v1_AggregatesRequest__Output, _taba_v1_SuperAggregateResponse__Output>
  ListClients: MethodDefinition<_taba_v1_ListRequest, _taba_v1_ClientsResponse, _taba_v1_ListRequest__Output, _taba_v1_ClientsResponse__Output>
  ListNames: MethodDefinition<_taba_v1_ListRequest, _taba_v1_NamesResponse, _taba_v1_ListRequest__Output, _taba_v1_NamesResponse__Output>
  ListTypes: MethodDefinition<_taba_v1_ListRequest, _taba_v1_TypesResponse, _taba_v1_ListRequest__Output, _taba_v1_TypesResponse__Output>
}
