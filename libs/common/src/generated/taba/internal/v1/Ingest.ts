// Original file: taba/internal/v1/ingest.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { EventBatch as _taba_v1_EventBatch, EventBatch__Output as _taba_v1_EventBatch__Output } from '../../../taba/v1/EventBatch.js';
import type { IngestStreamReply as _taba_internal_v1_IngestStreamReply, IngestStreamReply__Output as _taba_internal_v1_IngestStreamReply__Output } from '../../../taba/internal/v1/IngestStreamReply.js';
import type { IngestStreamRequest as _taba_internal_v1_IngestStreamRequest, IngestStreamRequest__Output as _taba_internal_v1_IngestStreamRequest__Output } from '../../../taba/internal/v1/IngestStreamRequest.js';
import type { InstanceStatus as _taba_v1_InstanceStatus, InstanceStatus__Output as _taba_v1_InstanceStatus__Output } from '../../../taba/v1/InstanceStatus.js';
import type { PostEventsResponse as _taba_v1_PostEventsResponse, PostEventsResponse__Output as _taba_v1_PostEventsResponse__Output } from '../../../taba/v1/PostEventsResponse.js';
import type { StatusRequest as _taba_v1_StatusRequest, StatusRequest__Output as _taba_v1_StatusRequest__Output } from '../../../taba/v1/StatusRequest.js';

export interface IngestClient extends grpc.Client {
  GetStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _taba_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _taba_v1_StatusRequest, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _taba_v1_StatusRequest, callback: grpc.requestCallback<_taba_v1_InstanceStatus__Output>): grpc.ClientUnaryCall;
  
  /**
   * Validate, resolve types, fold into per-partition Deltas, commit through the
   * owning aggregators; answers when every part is committed.
   */
  Ingest(argument: _taba_v1_EventBatch, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  Ingest(argument: _taba_v1_EventBatch, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  Ingest(argument: _taba_v1_EventBatch, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  Ingest(argument: _taba_v1_EventBatch, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Validate, resolve types, fold into per-partition Deltas, commit through the
   * owning aggregators; answers when every part is committed.
   */
  ingest(argument: _taba_v1_EventBatch, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  ingest(argument: _taba_v1_EventBatch, metadata: grpc.Metadata, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  ingest(argument: _taba_v1_EventBatch, options: grpc.CallOptions, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  ingest(argument: _taba_v1_EventBatch, callback: grpc.requestCallback<_taba_v1_PostEventsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The same over one long-lived stream: large batches cost grpc-js ~2.5x less CPU per byte
   * on a stream than as separate unary calls.
   */
  IngestStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_taba_internal_v1_IngestStreamRequest, _taba_internal_v1_IngestStreamReply__Output>;
  IngestStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_taba_internal_v1_IngestStreamRequest, _taba_internal_v1_IngestStreamReply__Output>;
  /**
   * The same over one long-lived stream: large batches cost grpc-js ~2.5x less CPU per byte
   * on a stream than as separate unary calls.
   */
  ingestStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_taba_internal_v1_IngestStreamRequest, _taba_internal_v1_IngestStreamReply__Output>;
  ingestStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_taba_internal_v1_IngestStreamRequest, _taba_internal_v1_IngestStreamReply__Output>;
  
}

export interface IngestHandlers extends grpc.UntypedServiceImplementation {
  GetStatus: grpc.handleUnaryCall<_taba_v1_StatusRequest__Output, _taba_v1_InstanceStatus>;
  
  /**
   * Validate, resolve types, fold into per-partition Deltas, commit through the
   * owning aggregators; answers when every part is committed.
   */
  Ingest: grpc.handleUnaryCall<_taba_v1_EventBatch__Output, _taba_v1_PostEventsResponse>;
  
  /**
   * The same over one long-lived stream: large batches cost grpc-js ~2.5x less CPU per byte
   * on a stream than as separate unary calls.
   */
  IngestStream: grpc.handleBidiStreamingCall<_taba_internal_v1_IngestStreamRequest__Output, _taba_internal_v1_IngestStreamReply>;
  
}

export interface IngestDefinition extends grpc.ServiceDefinition {
  GetStatus: MethodDefinition<_taba_v1_StatusRequest, _taba_v1_InstanceStatus, _taba_v1_StatusRequest__Output, _taba_v1_InstanceStatus__Output>
  Ingest: MethodDefinition<_taba_v1_EventBatch, _taba_v1_PostEventsResponse, _taba_v1_EventBatch__Output, _taba_v1_PostEventsResponse__Output>
  IngestStream: MethodDefinition<_taba_internal_v1_IngestStreamRequest, _taba_internal_v1_IngestStreamReply, _taba_internal_v1_IngestStreamRequest__Output, _taba_internal_v1_IngestStreamReply__Output>
}
