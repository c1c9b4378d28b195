// Original file: taba/v1/taba.proto


export interface NamesResponse {
  'names'?: (string)[];
}

export interface NamesResponse__Output {
  'names': (string)[];
}
