// Original file: taba/v1/taba.proto


export interface ClientsResponse {
  'clientIds'?: (string)[];
}

export interface ClientsResponse__Output {
  'clientIds': (string)[];
}
