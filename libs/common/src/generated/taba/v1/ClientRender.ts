// Original file: taba/v1/taba.proto


export interface ClientRender {
  'clientId'?: (string);
  'body'?: (string);
}

export interface ClientRender__Output {
  'clientId': (string);
  'body': (string);
}
