// Original file: taba/v1/taba.proto

export const RenderMode = {
  /**
   * Means JSON.
   */
  RENDER_MODE_UNSPECIFIED: 'RENDER_MODE_UNSPECIFIED',
  JSON: 'JSON',
  /**
   * One `name: value` line per Tab.
   */
  TEXT: 'TEXT',
  /**
   * JSON with the per-bucket series of every window.
   */
  DETAIL: 'DETAIL',
} as const;

export type RenderMode =
  /**
   * Means JSON.
   */
  | 'RENDER_MODE_UNSPECIFIED'
  | 0
  | 'JSON'
  | 1
  /**
   * One `name: value` line per Tab.
   */
  | 'TEXT'
  | 2
  /**
   * JSON with the per-bucket series of every window.
   */
  | 'DETAIL'
  | 3

export type RenderMode__Output = typeof RenderMode[keyof typeof RenderMode]
