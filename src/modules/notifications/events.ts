// Events of the notifications module.
declare module '../../platform/pubsub.ts' {
  interface TopicPayloads {
    /** id: recipient user id */
    notification: { notificationId: string; organizationId: string };
  }
}

export {};
