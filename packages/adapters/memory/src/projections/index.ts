export { createInlineProjection } from './inline-projection';
export type { InlineProjection } from './inline-projection';
