import * as assert from "node:assert/strict";

import {
  describeTarget,
  dockerOptionsFor,
  labelFilters,
  resolveDockerTarget,
} from "../../cli/docker";
import { CliError, ExitCode } from "../../cli/errors";

const UNSET = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined };

describe("resolveDockerTarget", () => {
  it("prefers the dockerHost config over DOCKER_HOST", () => {
    const target = resolveDockerTarget("unix:///srv/docker.sock", {
      DOCKER_HOST: "tcp://10.0.0.1:2375",
    });
    assert.equal(target.source, "config");
    assert.deepEqual(target.options, { ...UNSET, socketPath: "/srv/docker.sock" });
    assert.equal(
      describeTarget(target),
      "unix:///srv/docker.sock (from the clinical-mlops:dockerHost config)",
    );
  });

  it("uses DOCKER_HOST when the config has no dockerHost", () => {
    const target = resolveDockerTarget(undefined, { DOCKER_HOST: "tcp://127.0.0.1:2375" });
    assert.equal(target.source, "env");
    assert.deepEqual(target.options, {
      ...UNSET,
      host: "127.0.0.1",
      port: "2375",
      protocol: "http",
    });
    assert.equal(describeTarget(target), "tcp://127.0.0.1:2375 (from DOCKER_HOST)");
  });

  it("hides a password in the host URL", () => {
    const target = resolveDockerTarget("ssh://deploy:hunter2@build-host", {});
    assert.equal(
      describeTarget(target),
      "ssh://deploy@build-host (from the clinical-mlops:dockerHost config)",
    );
  });

  it("falls back to the default socket", () => {
    const target = resolveDockerTarget("", { DOCKER_HOST: "" });
    assert.equal(target.source, "default");
    assert.deepEqual(target.options, { ...UNSET, socketPath: "/var/run/docker.sock" });
    assert.match(
      describeTarget(target),
      /^unix:\/\/\/var\/run\/docker\.sock \(the default socket;/,
    );
  });
});

describe("dockerOptionsFor", () => {
  const cases: [string, NodeJS.ProcessEnv, object][] = [
    ["/tmp/d.sock", {}, { ...UNSET, socketPath: "/tmp/d.sock" }],
    ["unix://", {}, { ...UNSET, socketPath: "/var/run/docker.sock" }],
    ["npipe:////./pipe/docker_engine", {}, { ...UNSET, socketPath: "//./pipe/docker_engine" }],
    [
      "tcp://docker.internal",
      {},
      { ...UNSET, host: "docker.internal", port: "2375", protocol: "http" },
    ],
    [
      "ssh://deploy@build-host:2222",
      { SSH_AUTH_SOCK: "/tmp/agent" },
      {
        ...UNSET,
        host: "build-host",
        port: "2222",
        protocol: "ssh",
        username: "deploy",
        sshOptions: { agent: "/tmp/agent" },
      },
    ],
  ];
  for (const [url, env, expected] of cases) {
    it(`converts ${url}`, () => {
      assert.deepEqual(dockerOptionsFor(url, env), expected);
    });
  }

  it("uses https with TLS files when DOCKER_TLS_VERIFY is 1", () => {
    const options = dockerOptionsFor("tcp://127.0.0.1", {
      DOCKER_TLS_VERIFY: "1",
      DOCKER_CERT_PATH: "/nonexistent",
    });
    assert.equal(options.protocol, "https");
    assert.equal(options.port, "2376");
    assert.equal(options.ca, undefined);
  });

  it("rejects an unsupported scheme with the accepted forms", () => {
    assert.throws(
      () => dockerOptionsFor("http://127.0.0.1:2375", {}),
      (error: unknown) =>
        error instanceof CliError &&
        error.exitCode === ExitCode.usage &&
        error.message ===
          'Invalid Docker host "http://127.0.0.1:2375": use unix:///path/to/docker.sock, tcp://host:port, ssh://user@host or npipe:////./pipe/docker_engine.',
    );
  });
});

describe("labelFilters", () => {
  it("filters by stack", () => {
    assert.deepEqual(labelFilters("dev"), ["clinical-mlops.stack=dev"]);
  });

  it("narrows to a level and a service", () => {
    assert.deepEqual(labelFilters("ci", { level: 0, service: "kafka" }), [
      "clinical-mlops.stack=ci",
      "clinical-mlops.level=0",
      "clinical-mlops.service=kafka",
    ]);
  });
});
