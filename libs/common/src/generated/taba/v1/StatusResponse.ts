// Original file: taba/v1/taba.proto

import type { InstanceStatus as _taba_v1_InstanceStatus, InstanceStatus__Output as _taba_v1_InstanceStatus__Output } from '../../taba/v1/InstanceStatus.js';

export interface StatusResponse {
  'instances'?: (_taba_v1_InstanceStatus)[];
}

export interface StatusResponse__Output {
  'instances': (_taba_v1_InstanceStatus__Output)[];
}
