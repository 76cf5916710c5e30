/**
 * Help and version text of the `pipeline` command.
 */
import { version as pulumiSdkVersion } from "@pulumi/pulumi/version";

import packageJson from "../package.json";
import { LEVELS } from "../levels/model";
import { DEFAULT_LOG_TAIL, DEFAULT_RESTART_TIMEOUT_SECONDS, DEFAULT_STACK } from "./args";

export function versionText(): string {
  return `pipeline ${packageJson.version} (clinical-mlops, @pulumi/pulumi ${pulumiSdkVersion})`;
}

function levelTable(): string {
  return LEVELS.map((level) => {
    const needs =
      level.dependsOn.length > 0 ? `needs ${level.dependsOn.join(", ")}` : "no dependencies";
    return `  ${level.number}  ${level.title.padEnd(20)} ${needs}`;
  }).join("\n");
}

export function helpText(): string {
  return `Usage: pipeline COMMAND [options]

Brings the clinical MLOps platform up and down on Docker, level by level, through Pulumi.

Commands (give exactly one):
  --start-level N        Start level N and the levels it depends on.
  --start-full           Start every level that has services; others keep their state.
  --stop-level N         Stop level N: remove its containers, keep volumes and images.
                         Running levels that depend on N are stopped too.
  --stop-level-full N    Make level N absent; delete its volumes and built images (asks first).
                         Running levels that depend on N are stopped; their data is kept.
  --stop-full            Stop every running level; all volumes are kept.
  --clean-all            Remove all containers, volumes, networks and images (type yes to confirm).
  --status               Show each level's desired state and each service's live state.
  --logs N               Follow the logs of every container of level N until Ctrl-C.
  --restart-level N      Restart level N's services in order and wait until each is healthy.
  --help, -h             Show this help.
  --version              Show the version.

Options:
  --stack NAME           Pulumi stack. Defaults to ${DEFAULT_STACK}.
  --backend URL          Pulumi backend URL. Defaults to PULUMI_BACKEND_URL, else
                         file://<project root>/.pulumi-state.
  --preview              With a start, stop or clean command: show the planned changes only.
  --yes, -y              Confirm --stop-level-full and --clean-all without a prompt.
  --tail LINES           With --logs: lines per container to show first, or "all". Defaults to ${DEFAULT_LOG_TAIL}.
  --since TIME           With --logs: only lines since a duration ago (10m, 1h30m), UNIX seconds
                         or an ISO 8601 date (2026-01-31 or 2026-01-31T12:00:00Z).
  --timeout SECONDS      With --restart-level: maximum wait per service. Defaults to ${DEFAULT_RESTART_TIMEOUT_SECONDS}.

Levels:
${levelTable()}

Exit codes: 0 ok, 1 failed, 2 invalid usage or config, 3 services not healthy,
4 not confirmed, 5 pulumi CLI missing, 6 Docker unreachable, 7 stack locked,
8 level not running, 130 interrupted. See docs/pipeline.md.`;
}
