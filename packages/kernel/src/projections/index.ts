export type { CheckpointStore } from './checkpoint-store';
export {
  initialProjected,
  projectBatch,
  projectionAsHandler,
  projectionHandles,
  rebuildProjection,
  runProjectionBatch,
} from './projection';
export type { AsyncProjectionStep, ProjectedState, Projection, ProjectionHandler } from './projection';
