/** Workers of the host: each runs on ports, so the same code serves memory and PostgreSQL. */
export { DispatchConflictError, createCommandDispatcher } from './command-dispatcher';
export type {
  CommandDispatcher,
  CommandDispatcherOptions,
  CommandEnvelope,
  CommandRoute,
  DispatchOptions,
  DispatchOutcome,
} from './command-dispatcher';
export { commerceCommandRoutes } from './domain-routes';
export type { CommerceRouteOptions } from './domain-routes';
export { createSagaRunner } from './saga-runner';
export type { SagaInputOutcome, SagaRunner, SagaRunnerOptions, SagaSignal } from './saga-runner';
export { createPaymentService, gatewayAnswerCommandId } from './payment-service';
export type { PaymentService, PaymentServiceOptions } from './payment-service';
export { createShippingSimulator } from './shipping-simulator';
export type { CarrierPlan, ShippingSimulator, ShippingSimulatorOptions } from './shipping-simulator';
export { createNotificationRunner, recordedFromMessage } from './notification-runner';
export type { NotificationRunner } from './notification-runner';
export { createInMemoryProjectionStateStore, createProjectionRunner } from './projection-runner';
export type { ProjectionRunner, ProjectionStateStore } from './projection-runner';
export { createSteppedOutboxRelay } from './outbox-relay';
export type { SteppedOutboxRelay, SteppedOutboxRelayOptions } from './outbox-relay';
export { createCommandConsumer } from './command-consumer';
export type { CommandConsumer, CommandConsumerOptions } from './command-consumer';
export { applyTimerMessage, createPublishingSagaTimers, timeoutSignal } from './saga-timers';
export type { SagaTimers } from './saga-timers';
