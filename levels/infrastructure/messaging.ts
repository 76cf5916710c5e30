import * as pulumi from "@pulumi/pulumi";

import { secretOrGenerated } from "../../components/secrets";
import { Service } from "../../components/service";
import { levelVolume } from "../../components/volume";
import { LevelArgs, requireNetwork, serviceImage, serviceLimits, servicePorts } from "../common";

const LEVEL = 0;
const ZOOKEEPER_PORT = 2181;
/** Listener that containers on the stack network use. */
export const KAFKA_INTERNAL_PORT = 29092;
/** Listener published on the host. */
const KAFKA_HOST_LISTENER_PORT = 9092;

/** User name of the Kafka UI login form. */
export const KAFKA_UI_USER = "clinical-mlops";

/** Kafka as seen from inside the stack network. */
export interface Messaging {
  /** Bootstrap servers on the stack network, `kafka:29092`; resolves once the broker is healthy. */
  readonly bootstrapServers: pulumi.Output<string>;
  /** Password of the Kafka UI login form. */
  readonly uiPassword: pulumi.Output<string>;
}

/** Returns the broker settings for one ZooKeeper-mode broker with an internal and a host listener. */
export function kafkaEnvironment(
  zookeeperConnect: string,
  advertisedHost: string,
  hostPort: number,
  memoryMb: number,
): string[] {
  // Half the container limit for the heap leaves room for the page cache, metaspace and threads.
  const heapMb = Math.max(128, Math.floor(memoryMb / 2));
  return [
    "KAFKA_BROKER_ID=1",
    `KAFKA_ZOOKEEPER_CONNECT=${zookeeperConnect}`,
    `KAFKA_LISTENERS=INTERNAL://0.0.0.0:${KAFKA_INTERNAL_PORT},HOST://0.0.0.0:${KAFKA_HOST_LISTENER_PORT}`,
    // Host clients receive the published port, which differs from 9092 under portOffset.
    `KAFKA_ADVERTISED_LISTENERS=INTERNAL://kafka:${KAFKA_INTERNAL_PORT},HOST://${advertisedHost}:${hostPort}`,
    "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=INTERNAL:PLAINTEXT,HOST:PLAINTEXT",
    "KAFKA_INTER_BROKER_LISTENER_NAME=INTERNAL",
    // A single broker cannot hold more than one replica of the internal topics.
    "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1",
    "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=1",
    "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=1",
    "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS=0",
    // Topics are created up front with their partition counts; a typo must not create a new one.
    "KAFKA_AUTO_CREATE_TOPICS_ENABLE=false",
    `KAFKA_HEAP_OPTS=-Xms${heapMb}m -Xmx${heapMb}m`,
  ];
}

/** Declares ZooKeeper, the Kafka broker and Kafka UI. */
export function declareMessaging(
  name: string,
  args: LevelArgs,
  parent: pulumi.Resource,
): Messaging | undefined {
  const { config } = args;
  const zookeeperImage = serviceImage(args, "zookeeper");
  const kafkaImage = serviceImage(args, "kafka");
  const uiImage = serviceImage(args, "kafka-ui");
  const volumeArgs = { stack: config.stack, level: LEVEL } as const;
  const zookeeperData = levelVolume(
    `${name}-zookeeper-data`,
    { ...volumeArgs, service: "zookeeper", purpose: "data" },
    { parent },
  );
  const zookeeperLog = levelVolume(
    `${name}-zookeeper-log`,
    { ...volumeArgs, service: "zookeeper", purpose: "log" },
    { parent },
  );
  const kafkaData = levelVolume(
    `${name}-kafka-data`,
    { ...volumeArgs, service: "kafka", purpose: "data" },
    { parent },
  );
  const uiPassword = secretOrGenerated(
    `${name}-kafka-ui-password`,
    config.secrets.kafkaUiPassword,
    {
      parent,
    },
  );
  if (args.state !== "running") {
    return undefined;
  }

  const networkName = requireNetwork(args);
  const zookeeper = new Service(
    `${name}-zookeeper`,
    {
      stack: config.stack,
      level: LEVEL,
      service: "zookeeper",
      image: zookeeperImage.imageId,
      networkName,
      envs: [`ZOOKEEPER_CLIENT_PORT=${ZOOKEEPER_PORT}`, "ZOOKEEPER_TICK_TIME=2000"],
      volumes: [
        { volume: zookeeperData, containerPath: "/var/lib/zookeeper/data" },
        { volume: zookeeperLog, containerPath: "/var/lib/zookeeper/log" },
      ],
      // `srvr` is the only four-letter command ZooKeeper 3.5+ allows by default; nc is in the image.
      healthcheck: {
        test: ["CMD-SHELL", `echo srvr | nc 127.0.0.1 ${ZOOKEEPER_PORT} | grep -q Mode`],
        startPeriodSeconds: 10,
      },
      waitTimeoutSeconds: 180,
      destroyGraceSeconds: 30,
      limits: serviceLimits(config, "zookeeper"),
    },
    { parent },
  );

  const kafka = new Service(
    `${name}-kafka`,
    {
      stack: config.stack,
      level: LEVEL,
      service: "kafka",
      image: kafkaImage.imageId,
      networkName,
      envs: zookeeper
        .endpoint(ZOOKEEPER_PORT)
        .apply((connect) =>
          kafkaEnvironment(
            connect,
            config.publicHost,
            config.hostPorts.kafka,
            serviceLimits(config, "kafka").memoryMb,
          ),
        ),
      volumes: [{ volume: kafkaData, containerPath: "/var/lib/kafka/data" }],
      ports: servicePorts(config, "kafka"),
      // Asks the broker itself for its API versions, so the check fails until it serves requests.
      healthcheck: {
        test: [
          "CMD-SHELL",
          `kafka-broker-api-versions --bootstrap-server localhost:${KAFKA_INTERNAL_PORT} >/dev/null 2>&1`,
        ],
        intervalSeconds: 10,
        timeoutSeconds: 20,
        retries: 6,
        startPeriodSeconds: 20,
      },
      waitTimeoutSeconds: 300,
      destroyGraceSeconds: 60,
      limits: serviceLimits(config, "kafka"),
    },
    { parent },
  );
  const bootstrapServers = kafka.endpoint(KAFKA_INTERNAL_PORT);

  new Service(
    `${name}-kafka-ui`,
    {
      stack: config.stack,
      level: LEVEL,
      service: "kafka-ui",
      image: uiImage.imageId,
      networkName,
      envs: [
        `KAFKA_CLUSTERS_0_NAME=clinical-mlops-${config.stack}`,
        pulumi.interpolate`KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS=${bootstrapServers}`,
        "AUTH_TYPE=LOGIN_FORM",
        `SPRING_SECURITY_USER_NAME=${KAFKA_UI_USER}`,
        pulumi.interpolate`SPRING_SECURITY_USER_PASSWORD=${uiPassword}`,
      ],
      ports: servicePorts(config, "kafka-ui"),
      healthcheck: {
        test: [
          "CMD",
          "wget",
          "--no-verbose",
          "--tries=1",
          "--spider",
          "http://127.0.0.1:8080/actuator/health",
        ],
        intervalSeconds: 10,
        startPeriodSeconds: 30,
      },
      waitTimeoutSeconds: 240,
      limits: serviceLimits(config, "kafka-ui"),
    },
    { parent },
  );

  return { bootstrapServers, uiPassword };
}
