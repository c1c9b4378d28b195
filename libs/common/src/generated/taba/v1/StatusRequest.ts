// Original file: taba/v1/taba.proto


export interface StatusRequest {
}

export interface StatusRequest__Output {
}
