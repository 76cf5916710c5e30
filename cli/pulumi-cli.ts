/**
 * Finds the `pulumi` CLI that the Automation API drives, or explains how to install it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { version as sdkVersion } from "@pulumi/pulumi/version";

import { CliError, ExitCode, pulumiStderr } from "./errors";

/** Loads the Automation API on first use, because it takes a moment and `--help` needs none of it. */
export function loadAutomation(): typeof import("@pulumi/pulumi/automation") {
  // A plain require, because tsx leaves a dynamic import() to Node's ES module loader, which
  // rejects the package's directory import.
  return require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Returns the first `pulumi` executable on `PATH`, then in the folders the Pulumi installers use:
 * `~/.pulumi/bin` (the install script) and `~/.pulumi/versions/<sdk version>/bin`
 * (`PulumiCommand.install`).
 */
export function findPulumiExecutable(env: NodeJS.ProcessEnv): string | undefined {
  const home = env.HOME ?? os.homedir();
  const pathDirs = (env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== "");
  const candidates = [
    ...pathDirs.map((dir) => path.join(dir, "pulumi")),
    path.join(home, ".pulumi", "bin", "pulumi"),
    path.join(home, ".pulumi", "versions", sdkVersion, "bin", "pulumi"),
  ];
  return candidates.find(isExecutableFile);
}

export function pulumiMissingError(): CliError {
  return new CliError(
    "The pulumi CLI was not found on PATH, in ~/.pulumi/bin or in ~/.pulumi/versions.",
    ExitCode.pulumiMissing,
    [
      "Install it, then run the command again:",
      "  curl -fsSL https://get.pulumi.com | sh       (Linux, macOS)",
      "  brew install pulumi/tap/pulumi               (Homebrew)",
      "See https://www.pulumi.com/docs/iac/download-install/ for other systems.",
      "Run this command in a terminal to have it offer to install the CLI for you.",
    ],
  );
}

async function commandAt(executable: string): Promise<PulumiCommand> {
  const { PulumiCommand } = loadAutomation();
  const binDir = path.dirname(executable);
  try {
    // PulumiCommand.get expects `<root>/bin/pulumi`; other layouts are found on PATH by name.
    return path.basename(binDir) === "bin"
      ? await PulumiCommand.get({ root: path.dirname(binDir) })
      : await PulumiCommand.get();
  } catch (error) {
    throw new CliError(
      `The pulumi CLI at ${executable} did not run: ${pulumiStderr(error)}`,
      ExitCode.pulumiMissing,
      ["Reinstall it (https://www.pulumi.com/docs/iac/download-install/) and try again."],
    );
  }
}

async function install(note: (text: string) => void): Promise<PulumiCommand> {
  const { PulumiCommand } = loadAutomation();
  note(`Installing the pulumi CLI ${sdkVersion} into ~/.pulumi/versions/${sdkVersion} ...`);
  try {
    return await PulumiCommand.install();
  } catch (error) {
    throw new CliError(
      `Installing the pulumi CLI failed: ${pulumiStderr(error)}`,
      ExitCode.pulumiMissing,
      ["Install it by hand: https://www.pulumi.com/docs/iac/download-install/"],
    );
  }
}

/**
 * Returns the Pulumi CLI to use. When none is installed, `askToInstall` (passed only on a terminal)
 * prompts the user to download it with `PulumiCommand.install`.
 */
export async function locatePulumi(
  env: NodeJS.ProcessEnv,
  note: (text: string) => void,
  askToInstall?: (question: string) => Promise<boolean>,
): Promise<PulumiCommand> {
  const executable = findPulumiExecutable(env);
  if (executable) {
    return commandAt(executable);
  }
  if (askToInstall) {
    const question = `The pulumi CLI was not found. Download and install Pulumi ${sdkVersion} into ~/.pulumi/versions/${sdkVersion}?`;
    if (await askToInstall(question)) {
      return install(note);
    }
  }
  throw pulumiMissingError();
}
