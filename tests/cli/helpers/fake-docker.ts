/**
 * A fake Docker Engine API on a unix socket in a temporary folder. It implements only what the
 * CLI calls through dockerode: /_ping, /version, container list, inspect, logs (multiplexed, with
 * follow), restart and remove, volume list and remove, and image list and remove.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";

import { FakeImages, type FakeResponse } from "./fake-images";

export interface FakeLogLine {
  /** 1 = stdout, 2 = stderr, as in Docker's stream header. */
  readonly stream: 1 | 2;
  readonly text: string;
  /** UNIX seconds; compared with the `since` query parameter. */
  readonly time: number;
}

export interface FakeContainer {
  readonly id: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  status: "running" | "exited" | "created" | "restarting";
  exitCode: number;
  /** Docker health status; undefined for a container without a health check. */
  health?: string;
  /** Health statuses returned by the inspects after a restart, one per inspect; the last one stays. */
  healthAfterRestart?: string[];
  /** Exit code the container stops with when it is restarted; undefined keeps it running. */
  exitAfterRestart?: number;
  /** Output of the last health check. */
  healthOutput?: string;
  tty: boolean;
  logs: FakeLogLine[];
  ports: { IP: string; PrivatePort: number; PublicPort: number; Type: string }[];
  restarts: number;
}

export interface FakeVolume {
  readonly Name: string;
  readonly Labels: Record<string, string>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
}

/** Returns one frame of Docker's multiplexed log format. */
export function frame(stream: 1 | 2, text: string | Buffer): Buffer {
  const payload = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function matchesLabels(labels: Record<string, string>, query: URLSearchParams): boolean {
  const filters = query.get("filters");
  const required: string[] = filters ? (JSON.parse(filters).label ?? []) : [];
  return required.every((filter) => {
    const [key, value] = filter.split("=");
    return labels[key] === value;
  });
}

export interface InjectedFailure {
  readonly status: number;
  readonly message: string;
}

export class FakeDocker {
  readonly containers: FakeContainer[] = [];
  readonly volumes: FakeVolume[] = [];
  /** Local images; `images.inUse` marks images that a container uses. */
  readonly images = new FakeImages();
  readonly requests: RecordedRequest[] = [];
  /** Routes (such as "/containers/json") that return this error status instead of their result. */
  readonly failures = new Map<string, InjectedFailure>();
  /** Hook called with every request before the fake sends its response. */
  onRequest?: (request: RecordedRequest) => void;
  /** Volumes that a container outside the stack uses, so deleting them fails with 409. */
  readonly busyVolumes = new Set<string>();
  private readonly followers = new Map<string, http.ServerResponse[]>();

  private constructor(
    private readonly server: http.Server,
    readonly socketPath: string,
  ) {}

  /** Starts the server on `<dir>/docker.sock`. */
  static async start(dir: string): Promise<FakeDocker> {
    const socketPath = path.join(dir, "docker.sock");
    let fake: FakeDocker | undefined;
    const server = http.createServer((req, res) => fake?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    fake = new FakeDocker(server, socketPath);
    return fake;
  }

  get url(): string {
    return `unix://${this.socketPath}`;
  }

  addContainer(
    container: Partial<FakeContainer> & { name: string; labels: Record<string, string> },
  ): FakeContainer {
    const full: FakeContainer = {
      id: `${container.name}-id`,
      status: "running",
      exitCode: 0,
      tty: false,
      logs: [],
      ports: [],
      restarts: 0,
      ...container,
    };
    this.containers.push(full);
    return full;
  }

  /** Appends log text and sends it to every client that follows the container's log. */
  emitLog(
    containerId: string,
    stream: 1 | 2,
    text: string,
    time = Math.floor(Date.now() / 1000),
  ): void {
    const container = this.find(containerId);
    // Stored one entry per line, because Docker's tail parameter counts lines.
    for (const line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
      container?.logs.push({ stream, text: line, time });
    }
    for (const res of this.followers.get(containerId) ?? []) {
      res.write(container?.tty ? text : frame(stream, text));
    }
  }

  /** Sends raw bytes, such as a frame cut inside a character, to every follower of a container. */
  emitRaw(containerId: string, bytes: Buffer): void {
    for (const res of this.followers.get(containerId) ?? []) {
      res.write(bytes);
    }
  }

  /** Ends the log streams of a container, as Docker does when the container stops. */
  endLogs(containerId: string): void {
    for (const res of this.followers.get(containerId) ?? []) {
      res.end();
    }
    this.followers.delete(containerId);
  }

  followerCount(containerId: string): number {
    return (this.followers.get(containerId) ?? []).filter(
      (res) => !res.writableEnded && !res.destroyed,
    ).length;
  }

  async close(): Promise<void> {
    for (const id of [...this.followers.keys()]) {
      this.endLogs(id);
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.socketPath, { force: true });
  }

  private find(id: string): FakeContainer | undefined {
    return this.containers.find((container) => container.id === id || container.name === id);
  }

  private json(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  }

  private reply(res: http.ServerResponse, response: FakeResponse): void {
    this.json(res, response.status, response.body);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://docker");
    // dockerode adds a /v1.NN prefix only when an API version is configured.
    const route = url.pathname.replace(/^\/v\d+\.\d+/, "");
    const request = { method: req.method ?? "GET", path: route, query: url.searchParams };
    this.requests.push(request);
    this.onRequest?.(request);
    const failure = this.failures.get(route);
    if (failure) {
      this.json(res, failure.status, { message: failure.message });
      return;
    }
    const containerRoute = /^\/containers\/([^/]+)(?:\/(json|logs|restart))?$/.exec(route);

    if (route === "/_ping") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("OK");
    } else if (route === "/version") {
      this.json(res, 200, { Version: "27.3.1", ApiVersion: "1.47" });
    } else if (route === "/containers/json") {
      this.listContainers(res, url.searchParams);
    } else if (route === "/volumes" && req.method === "GET") {
      const volumes = this.volumes.filter((volume) =>
        matchesLabels(volume.Labels, url.searchParams),
      );
      this.json(res, 200, { Volumes: volumes, Warnings: [] });
    } else if (route.startsWith("/volumes/") && req.method === "DELETE") {
      this.removeVolume(res, decodeURIComponent(route.slice("/volumes/".length)));
    } else if (route === "/images/json" && req.method === "GET") {
      this.reply(
        res,
        this.images.listImages((labels) => matchesLabels(labels, url.searchParams)),
      );
    } else if (route.startsWith("/images/") && req.method === "DELETE") {
      // Docker takes the image reference unencoded, slashes and colon included.
      const name = decodeURIComponent(route.slice("/images/".length));
      const force = ["true", "1"].includes(url.searchParams.get("force") ?? "");
      this.reply(res, this.images.remove(name, force));
    } else if (containerRoute) {
      this.containerRequest(req, res, containerRoute[1], containerRoute[2], url.searchParams);
    } else {
      this.json(res, 404, { message: `fake docker: no route for ${req.method} ${route}` });
    }
  }

  private listContainers(res: http.ServerResponse, query: URLSearchParams): void {
    const all = query.get("all") === "true" || query.get("all") === "1";
    const list = this.containers
      .filter((container) => all || container.status === "running")
      .filter((container) => matchesLabels(container.labels, query))
      .map((container) => ({
        Id: container.id,
        Names: [`/${container.name}`],
        Labels: container.labels,
        State: container.status,
        Status: container.status,
        Ports: container.ports,
      }));
    this.json(res, 200, list);
  }

  private removeVolume(res: http.ServerResponse, name: string): void {
    const index = this.volumes.findIndex((volume) => volume.Name === name);
    if (this.busyVolumes.has(name)) {
      this.json(res, 409, { message: `remove ${name}: volume is in use - [other-container]` });
      return;
    }
    if (index < 0) {
      this.json(res, 404, { message: `get ${name}: no such volume` });
      return;
    }
    this.volumes.splice(index, 1);
    res.writeHead(204);
    res.end();
  }

  private inspect(container: FakeContainer): object {
    let health = container.health;
    if (container.healthAfterRestart && container.healthAfterRestart.length > 0) {
      health =
        container.healthAfterRestart.length > 1
          ? container.healthAfterRestart.shift()
          : container.healthAfterRestart[0];
      container.health = health;
    }
    const running = container.status === "running";
    return {
      Id: container.id,
      Name: `/${container.name}`,
      State: {
        Status: container.status,
        Running: running,
        Paused: false,
        Restarting: container.status === "restarting",
        ExitCode: container.exitCode,
        Health:
          health === undefined
            ? undefined
            : {
                Status: health,
                FailingStreak: 0,
                Log: [{ ExitCode: 1, Output: container.healthOutput ?? "" }],
              },
      },
      Config: { Tty: container.tty, Labels: container.labels },
    };
  }

  private containerRequest(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    id: string,
    action: string | undefined,
    query: URLSearchParams,
  ): void {
    const container = this.find(decodeURIComponent(id));
    if (!container) {
      this.json(res, 404, { message: `No such container: ${id}` });
      return;
    }
    if (action === "json") {
      this.json(res, 200, this.inspect(container));
    } else if (action === "logs") {
      this.logs(res, container, query);
    } else if (action === "restart" && req.method === "POST") {
      container.restarts += 1;
      container.status = container.exitAfterRestart === undefined ? "running" : "exited";
      container.exitCode = container.exitAfterRestart ?? container.exitCode;
      res.writeHead(204);
      res.end();
    } else if (action === undefined && req.method === "DELETE") {
      this.containers.splice(this.containers.indexOf(container), 1);
      res.writeHead(204);
      res.end();
    } else {
      this.json(res, 404, { message: `fake docker: no route for ${req.method} ${action}` });
    }
  }

  private logs(res: http.ServerResponse, container: FakeContainer, query: URLSearchParams): void {
    const since = Number(query.get("since") ?? "0");
    const tail = query.get("tail");
    let lines = container.logs.filter((line) => line.time >= since);
    // Like Docker, anything that is not a number means the whole log.
    if (tail !== null && /^\d+$/.test(tail)) {
      lines = lines.slice(Math.max(0, lines.length - Number(tail)));
    }
    const contentType = container.tty
      ? "application/vnd.docker.raw-stream"
      : "application/vnd.docker.multiplexed-stream";
    res.writeHead(200, { "Content-Type": contentType });
    // Docker sends the headers at once, even when no log line follows yet.
    res.flushHeaders();
    for (const line of lines) {
      res.write(container.tty ? line.text : frame(line.stream, line.text));
    }
    const follow = query.get("follow") === "true" || query.get("follow") === "1";
    if (follow && container.status === "running") {
      const list = this.followers.get(container.id) ?? [];
      list.push(res);
      this.followers.set(container.id, list);
    } else {
      res.end();
    }
  }
}
