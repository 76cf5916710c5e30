#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx pipeline` works without a build step.
"use strict";

require("tsx/cjs");
require("../cli/main.ts");
