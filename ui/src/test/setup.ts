// Runs in every test file: its host (see host.ts) stops when the file is done.
import { afterAll } from "vitest";
import { stopHost } from "./host";

afterAll(() => stopHost());
