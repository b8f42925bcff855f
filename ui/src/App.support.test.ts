// Help from support: any signed-in member of staff, and the "cannot open" screen, can
// gather the diagnostics text; it is shown as text and copied when the clipboard allows.
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import { byId, startApp } from "./test/dom";
import { TEST_LINK_WORKER, freshApp, signedIn } from "./test/host";

describe("help from support", () => {
  afterEach(() => vi.restoreAllMocks());

  it("gathers, shows and copies the diagnostics for a link worker", async () => {
    const api = await signedIn({ as: TEST_LINK_WORKER });
    const user = await startApp(api);
    // The browser's clipboard, not the backend: recorded to see what was copied. After
    // user-event's set-up, which installs its own clipboard.
    const written: string[] = [];
    vi.spyOn(navigator.clipboard, "writeText").mockImplementation(async (t: string) => void written.push(t));
    await user.click(byId("nav-support"));
    await screen.findByRole("heading", { level: 1, name: "Help" });
    await user.click(byId("copy-diagnostics"));
    const shown = await screen.findByTestId("diagnostics-text");
    expect(shown.textContent).toContain("Waymark diagnostics (no patient data)");
    expect(shown.textContent).toContain(`Data folder: ${await api.dataDir()}`);
    expect(shown.textContent).toMatch(/Caseload: open, schema \d+ of \d+/);
    expect(written).toEqual([shown.textContent]);
    expect(screen.getByTestId("diagnostics-status").textContent).toContain("Copied");
  });

  it("asks to copy by hand when the clipboard refuses", async () => {
    const api = await signedIn({ as: TEST_LINK_WORKER });
    const user = await startApp(api);
    // The browser's clipboard refusing (a permission the webview withholds): not the backend.
    vi.spyOn(navigator.clipboard, "writeText").mockRejectedValue(new Error("not allowed"));
    await user.click(byId("nav-support"));
    await user.click(byId("copy-diagnostics"));
    await screen.findByTestId("diagnostics-text");
    expect(screen.getByTestId("diagnostics-status").textContent).toContain("Select the text below");
  });

  it("is offered when the caseload did not open", async () => {
    // A caseload file whose key this computer's credential store does not hold: the
    // caseload does not open.
    const api = await freshApp({ files: { "waymark.db": "not a database" } });
    const user = userEvent.setup();
    render(App, { props: { api } });
    await screen.findByTestId("open-error");
    await user.click(byId("copy-diagnostics"));
    await waitFor(() =>
      expect(screen.getByTestId("diagnostics-text").textContent).toContain("Caseload: not open (key_missing)"),
    );
    expect(screen.getByTestId("diagnostics-text").textContent).toContain(`Data folder: ${await api.dataDir()}`);
  });
});
