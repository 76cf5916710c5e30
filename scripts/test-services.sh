#!/usr/bin/env bash
# Ensures that the RabbitMQ broker of the workload tests accepts connections on 127.0.0.1:5672.
# It uses a broker that already runs, or else starts a local rabbitmq-server, or else a
# throwaway Docker container.
set -euo pipefail

host=127.0.0.1
port=5672
image=rabbitmq:4.1.4-management
container=clinical-mlops-test-rabbitmq

port_open() {
  (exec 3<>"/dev/tcp/${host}/${port}") 2>/dev/null
}

wait_for_port() {
  for _ in $(seq 1 60); do
    if port_open; then
      return 0
    fi
    sleep 1
  done
  return 1
}

if port_open; then
  exit 0
fi

if command -v rabbitmq-server >/dev/null 2>&1; then
  echo "test-services: starting the local RabbitMQ (rabbitmq-server -detached)"
  rabbitmq-server -detached
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  echo "test-services: starting ${image} as container ${container} on ${host}:${port}"
  docker run -d --rm --name "${container}" -p "${host}:${port}:5672" "${image}" >/dev/null
else
  echo "test-services: RabbitMQ is not reachable on ${host}:${port}, and neither rabbitmq-server nor a" >&2
  echo "Docker daemon is available to start one. Start RabbitMQ with user guest/guest on that port." >&2
  exit 1
fi

if ! wait_for_port; then
  echo "test-services: RabbitMQ did not open ${host}:${port} within 60 s." >&2
  exit 1
fi
# The port opens before the broker accepts logins; give it a moment to finish booting.
sleep 3
