/**
 * A request an analytic cannot answer as asked (as opposed to a fault): the
 * API answers it with 400, naming the request field.
 */
export class AnalyticsInputError extends Error {
  constructor(
    module: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${module}: ${field}: ${reason}`);
  }
}
