// Original file: taba/v1/taba.proto

import type { TabType as _taba_v1_TabType, TabType__Output as _taba_v1_TabType__Output } from '../../taba/v1/TabType.js';
import type { ClientRender as _taba_v1_ClientRender, ClientRender__Output as _taba_v1_ClientRender__Output } from '../../taba/v1/ClientRender.js';

export interface ProjectedTab {
  'name'?: (string);
  'type'?: (_taba_v1_TabType);
  'clients'?: (_taba_v1_ClientRender)[];
}

export interface ProjectedTab__Output {
  'name': (string);
  'type': (_taba_v1_TabType__Output);
  'clients': (_taba_v1_ClientRender__Output)[];
}
