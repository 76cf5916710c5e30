import type { Channel } from "amqplib";
import { z } from "zod";

/**
 * Returns why `value` is not a usable AMQP URL, or undefined when it is one: an amqp:// or
 * amqps:// URL with a host and, when a port is given, a decimal port from 1 to 65535. The reason
 * never contains the value, which contains the password.
 */
export function amqpUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // WHATWG URL parsing also fails on a port that is not decimal digits or is above 65535.
    return "expected an amqp:// or amqps:// URL with a host and a port from 1 to 65535";
  }
  if (url.protocol !== "amqp:" && url.protocol !== "amqps:") {
    return `expected the scheme amqp:// or amqps://, got ${url.protocol}//`;
  }
  if (url.hostname === "") {
    return "expected a host name after amqp://";
  }
  if (url.port === "0") {
    return "expected a port from 1 to 65535, got 0";
  }
  return undefined;
}

/** RabbitMQ variables. `AMQP_URL` contains the password: log it only through `redactUrl`. */
export const amqpEnvShape = {
  AMQP_URL: z
    .string()
    .superRefine((value, context) => {
      const problem = amqpUrlProblem(value);
      if (problem !== undefined) {
        context.addIssue({ code: "custom", message: problem });
      }
    })
    .meta({ example: "amqp://clinical:<password>@clinical-mq:5672", secret: true }),
};

/** Names and settings of the Clinical MQ objects that carry submitted lab results. */
export interface MqTopology {
  /** Direct exchange the data gateway publishes to. */
  readonly exchange: string;
  /** Routing key of submitted lab results. */
  readonly routingKey: string;
  /** Durable queue the lab-results-processor consumes. */
  readonly queue: string;
  /** Exchange that receives messages rejected from `queue`. */
  readonly deadLetterExchange: string;
  /** Routing key of dead-lettered messages, also used to publish to the DLQ directly. */
  readonly deadLetterRoutingKey: string;
  /** Durable queue that keeps dead-lettered messages for inspection. */
  readonly deadLetterQueue: string;
  /**
   * Deliveries after which RabbitMQ dead-letters a message that was returned to the queue
   * (quorum queues only), so a message that crashes its consumer cannot loop forever.
   */
  readonly deliveryLimit: number;
}

export const LAB_RESULTS_TOPOLOGY: MqTopology = {
  exchange: "clinical.lab",
  routingKey: "lab-results",
  queue: "lab-results",
  deadLetterExchange: "clinical.lab.dlx",
  deadLetterRoutingKey: "lab-results.dlq",
  deadLetterQueue: "lab-results.dlq",
  deliveryLimit: 10,
};

/**
 * Returns a topology whose object names end in `suffix`, so tests against a shared broker do
 * not touch the real queues or each other.
 */
export function topologyWithSuffix(suffix: string, base = LAB_RESULTS_TOPOLOGY): MqTopology {
  return {
    ...base,
    exchange: `${base.exchange}.${suffix}`,
    queue: `${base.queue}.${suffix}`,
    deadLetterExchange: `${base.deadLetterExchange}.${suffix}`,
    deadLetterQueue: `${base.deadLetterQueue}.${suffix}`,
  };
}

/**
 * Declares the exchanges, queues and bindings of `topology` on `channel`. Declaring is idempotent
 * while the arguments match; RabbitMQ closes the channel with PRECONDITION_FAILED when an existing
 * queue has other arguments, which needs the queue to be deleted or migrated by hand.
 */
export async function assertTopology(channel: Channel, topology: MqTopology): Promise<void> {
  await channel.assertExchange(topology.deadLetterExchange, "direct", { durable: true });
  await channel.assertQueue(topology.deadLetterQueue, {
    durable: true,
    arguments: { "x-queue-type": "quorum" },
  });
  await channel.bindQueue(
    topology.deadLetterQueue,
    topology.deadLetterExchange,
    topology.deadLetterRoutingKey,
  );

  await channel.assertExchange(topology.exchange, "direct", { durable: true });
  await channel.assertQueue(topology.queue, {
    durable: true,
    arguments: {
      // Quorum queues replicate and survive broker restarts, and support the delivery limit.
      "x-queue-type": "quorum",
      "x-dead-letter-exchange": topology.deadLetterExchange,
      "x-dead-letter-routing-key": topology.deadLetterRoutingKey,
      "x-delivery-limit": topology.deliveryLimit,
    },
  });
  await channel.bindQueue(topology.queue, topology.exchange, topology.routingKey);
}

/** Deletes the objects of `topology`; for test clean-up. */
export async function deleteTopology(channel: Channel, topology: MqTopology): Promise<void> {
  await channel.deleteQueue(topology.queue);
  await channel.deleteQueue(topology.deadLetterQueue);
  await channel.deleteExchange(topology.exchange);
  await channel.deleteExchange(topology.deadLetterExchange);
}
