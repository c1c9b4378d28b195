// Original file: taba/v1/taba.proto


export interface DeleteTabsResponse {
  'deleted'?: (string)[];
}

export interface DeleteTabsResponse__Output {
  'deleted': (string)[];
}
