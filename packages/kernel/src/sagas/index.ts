export { compensateInReverse } from './compensation';
export { sagaActions, sagaStreamId } from './process-manager';
export type { ProcessManager, SagaAction } from './process-manager';
