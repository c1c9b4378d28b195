// Original file: taba/internal/v1/aggregator.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CommitRequest as _taba_internal_v1_CommitRequest, CommitRequest__Output as _taba_internal_v1_CommitRequest__Output } from '../../../taba/internal/v1/CommitRequest.js';
import type { CommitResponse as _taba_internal_v1_CommitResponse, CommitResponse__Output as _taba_internal_v1_CommitResponse__Output } from '../../../taba/internal/v1/CommitResponse.js';
import type { InstanceStatus as _taba_v1_InstanceStatus, InstanceStatus__Output as _taba_v1_InstanceStatus__Output } from '../../../taba/v1/InstanceStatus.js';
import type { StatusRequest as _taba_v1_StatusRequest, StatusRequest__Output as _taba_v1_StatusRequest__Output } from '../../../taba/v1/StatusRequest.js';

export interface AggregatorClient extends grpc.Client {
  /**
   * Group-committed: answers once every part is durably applied (or found duplicate).
   */
  Commit(argument: _taba_internal_v1_CommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_internal_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  Commit(argument: _taba_internal_v1_CommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_internal_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  Commit(argument: _taba_internal_v1_CommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_internal_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  Commit(argument: _taba_internal_v1_CommitRequest, callback: grpc.requestCallback<_taba_internal_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Group-committed: answers once every part is durably applied (or found duplicate).
   */
  commit(argument: _taba_internal_v1_CommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_internal_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  commit(argument: _taba_internal_v1_CommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_internal_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  commit(argument: _taba_internal_v1_CommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_internal_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  commit(argument: _taba_internal_v1_CommitRequest, callback: grpc.requestCallback<_taba_internal_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  
  GetStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _taba_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _taba_v1_StatusRequest, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  
}

export interface AggregatorHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Group-committed: answers once every part is durably applied (or found duplicate).
   */
  Commit: grpc.handleUnaryCall<_taba_internal_v1_CommitRequest__Output, _taba_internal_v1_CommitResponse>;
  
  GetStatus: grpc.handleUnaryCall<_taba_v1_StatusRequest__Output, _taba_v1_InstanceStatus>;
  
}

export interface AggregatorDefinition extends grpc.ServiceDefinition {
  Commit: MethodDefinition<_taba_internal_v1_CommitRequest, _taba_internal_v1_CommitResponse, _taba_internal_v1_CommitRequest__Output, _taba_internal_v1_CommitResponse__Output>
  GetStatus: MethodDefinition<_taba_v1_StatusRequest, _taba_v1_InstanceStatus, _taba_v1_StatusRequest__Output, _taba_v1_InstanceStatus__Output>
}
