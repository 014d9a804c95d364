/**
 * Every code the domain refuses with, in one place. Clients switch on these strings, so they never
 * change once released; add new ones instead. The HTTP status follows from the error's `kind`.
 */
export const ErrorCode = {
  /** An id is missing, too long, or has characters other than letters, digits and . _ : - */
  INVALID_ID: 'COMMAND.INVALID_ID',
  /** An instant is not ISO-8601 (`2024-03-01T09:15:00Z`; no offset means UTC). */
  INVALID_TIME: 'COMMAND.INVALID_TIME',
  /** A field has the wrong type or is empty. */
  INVALID_FIELD: 'COMMAND.INVALID_FIELD',
  /** A message whose type no decider knows (e.g. from a newer producer on Kafka). */
  UNKNOWN_COMMAND: 'COMMAND.UNKNOWN_TYPE',

  CUSTOMER_NOT_FOUND: 'CUSTOMER.NOT_FOUND',
  REGISTRATION_CONFLICT: 'CUSTOMER.REGISTRATION_CONFLICT',
  SELF_REFERRAL: 'CUSTOMER.SELF_REFERRAL',
  CUSTOMER_ERASED: 'CUSTOMER.ERASED',

  ORDER_CONFLICT: 'PURCHASE.ORDER_CONFLICT',
  INVALID_AMOUNT: 'PURCHASE.INVALID_AMOUNT',
  UNKNOWN_CURRENCY: 'PURCHASE.UNKNOWN_CURRENCY',
  CURRENCY_MISMATCH: 'PURCHASE.CURRENCY_MISMATCH',
  INVALID_ITEM: 'PURCHASE.INVALID_ITEM',

  REFUND_CONFLICT: 'REFUND.CONFLICT',
  REFUND_UNKNOWN_ORDER: 'REFUND.UNKNOWN_ORDER',
  REFUND_INVALID_AMOUNT: 'REFUND.INVALID_AMOUNT',
  REFUND_EXCEEDS_PAID: 'REFUND.EXCEEDS_PAID',
  REFUND_CURRENCY_MISMATCH: 'REFUND.CURRENCY_MISMATCH',

  INTERACTION_CONFLICT: 'INTERACTION.CONFLICT',
  UNKNOWN_INTERACTION_KIND: 'INTERACTION.UNKNOWN_KIND',
  INVALID_SCORE: 'INTERACTION.INVALID_SCORE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
