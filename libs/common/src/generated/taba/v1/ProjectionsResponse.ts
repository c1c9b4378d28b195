// Original file: taba/v1/taba.proto

import type { ProjectedTab as _taba_v1_ProjectedTab, ProjectedTab__Output as _taba_v1_ProjectedTab__Output } from '../../taba/v1/ProjectedTab.js';

export interface ProjectionsResponse {
  'tabs'?: (_taba_v1_ProjectedTab)[];
}

export interface ProjectionsResponse__Output {
  'tabs': (_taba_v1_ProjectedTab__Output)[];
}
